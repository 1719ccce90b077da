import { RegistryError } from '../../errors';
import type { HttpResponse } from '../../http/http-client';
import { neutralizeInline, quote } from '../../text/neutralize';

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** `error_code` values of MLflow's `ErrorCode` enum (databricks.proto) that the adapter branches on. */
export const MLFLOW_RESOURCE_DOES_NOT_EXIST = 'RESOURCE_DOES_NOT_EXIST';
export const MLFLOW_RESOURCE_ALREADY_EXISTS = 'RESOURCE_ALREADY_EXISTS';

/** A failed MLflow REST call, with the `error_code` of the response body when there is one. */
export class MlflowError extends RegistryError {
  override name = 'MlflowError';
  /** `error_code` of the MLflow error body, for example `RESOURCE_DOES_NOT_EXIST`; neutralized. */
  readonly errorCode?: string;

  constructor(message: string, fields: { status?: number; requestId?: string; retryable?: boolean; code?: string; errorCode?: string; cause?: unknown } = {}) {
    super(message, { code: 'MLFLOW_REQUEST_FAILED', ...fields });
    this.errorCode = fields.errorCode;
  }

  get notFound(): boolean {
    return this.errorCode === MLFLOW_RESOURCE_DOES_NOT_EXIST || (this.errorCode === undefined && this.status === 404);
  }

  get alreadyExists(): boolean {
    return this.errorCode === MLFLOW_RESOURCE_ALREADY_EXISTS || (this.errorCode === undefined && this.status === 409);
  }
}

/**
 * Builds the error for an MLflow response with a status other than 200. The body's
 * `error_code` and `message` are server text, so both are neutralized before they reach a log.
 */
export function mlflowResponseError(operation: string, response: HttpResponse): MlflowError {
  const detail = parseErrorBody(response.text);
  let message = `MLflow ${operation} failed with HTTP ${response.status}`;
  if (detail.errorCode !== undefined || detail.message !== undefined) {
    message += `: ${detail.errorCode ?? 'error'}`;
    if (detail.message !== undefined) {
      message += ` ${quote(detail.message, 300)}`;
    }
  } else if (response.text.trim()) {
    message += `: ${quote(response.text.trim(), 300)}`;
  }
  if (response.attempts > 1) {
    message += ` after ${response.attempts} attempts`;
  }
  message += `. ${nextStep(response.status, detail.errorCode)}`;

  const requestId = response.headers.get('x-request-id') ?? undefined;
  return new MlflowError(message, {
    status: response.status,
    requestId: requestId === undefined ? undefined : neutralizeInline(requestId, 80),
    retryable: RETRYABLE_STATUSES.has(response.status),
    errorCode: detail.errorCode,
  });
}

function parseErrorBody(text: string): { errorCode?: string; message?: string } {
  try {
    const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
    const errorCode = typeof body?.error_code === 'string' ? neutralizeInline(body.error_code, 80) : undefined;
    const message = typeof body?.message === 'string' ? body.message : undefined;
    return { errorCode, message };
  } catch {
    return {};
  }
}

function nextStep(status: number, errorCode: string | undefined): string {
  if (status === 401) {
    return 'Check the token in the MLflow service connection; it may have expired';
  }
  if (status === 403 || errorCode === 'PERMISSION_DENIED') {
    return 'Give the token permission to read the source model and to create and edit the target model';
  }
  if (errorCode === 'ENDPOINT_NOT_FOUND') {
    return 'The server has no such endpoint. Check that the service connection URL is the tracking server; the Databricks workspace model registry has no aliases, so use mlflowPromotionMode copy there';
  }
  if (errorCode === MLFLOW_RESOURCE_DOES_NOT_EXIST || status === 404) {
    return 'Check the model name and version, and that the service connection URL is the tracking server';
  }
  if (errorCode === 'FEATURE_DISABLED' || status === 501) {
    return 'This MLflow server does not support the call; see the README for the limits of each server';
  }
  return RETRYABLE_STATUSES.has(status) ? 'The server may recover; run the task again later' : 'See the message from the MLflow server above';
}
