import { RegistryError } from '../../errors';
import type { HttpResponse } from '../../http/http-client';
import { neutralizeInline, quote } from '../../text/neutralize';

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** A failed Azure Machine Learning call, with the ARM error code from the response body when there is one. */
export class AzureMlError extends RegistryError {
  override name = 'AzureMlError';
  /** `error.code` of the ARM error body, for example `UserError` or `AuthorizationFailed`. */
  readonly armCode?: string;

  constructor(message: string, fields: { status?: number; requestId?: string; retryable?: boolean; code?: string; armCode?: string; cause?: unknown } = {}) {
    super(message, fields);
    this.armCode = fields.armCode;
  }
}

/**
 * Builds the error for an ARM response with an unexpected status. The body's `error.code` and
 * `error.message` (the ARM `ErrorResponse` shape) are quoted after neutralizing, because
 * they are server text that ends up in the log.
 */
export function armResponseError(operation: string, response: HttpResponse): AzureMlError {
  const requestId = response.headers.get('x-ms-request-id') ?? undefined;
  const detail = parseArmErrorBody(response.text);
  let message = `${operation} failed with HTTP ${response.status}`;
  if (detail.code !== undefined || detail.message !== undefined) {
    message += `: ${detail.code ?? 'error'}`;
    if (detail.message !== undefined) {
      message += ` ${quote(detail.message, 300)}`;
    }
  } else if (response.text.trim()) {
    message += `: ${quote(response.text.trim(), 300)}`;
  }
  if (requestId) {
    message += ` (x-ms-request-id ${neutralizeInline(requestId, 80)})`;
  }
  message += `. ${nextStep(response.status)}`;
  return new AzureMlError(message, {
    status: response.status,
    requestId,
    retryable: RETRYABLE_STATUSES.has(response.status),
    code: 'AZUREML_REQUEST_FAILED',
    armCode: detail.code === undefined ? undefined : neutralizeInline(detail.code, 80),
  });
}

function parseArmErrorBody(text: string): { code?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    const code = typeof body?.error?.code === 'string' ? body.error.code : undefined;
    const message = typeof body?.error?.message === 'string' ? body.error.message : undefined;
    return { code: code === undefined ? undefined : neutralizeInline(code, 80), message };
  } catch {
    return {};
  }
}

function nextStep(status: number): string {
  switch (status) {
    case 401:
      return 'Check that the service connection can still sign in (expired secret or federated credential)';
    case 403:
      return 'Grant the service connection the roles listed in the README (AzureML Data Scientist on the workspace, AzureML Registry User on the registry)';
    case 404:
      return 'Check the subscription, resource group, workspace, registry and model names';
    default:
      return RETRYABLE_STATUSES.has(status) ? 'The service may recover; run the task again later' : 'See the message from Azure Machine Learning above';
  }
}
