import { PromotionError } from '../errors';

/** Signing in to Azure failed: the token request was rejected or the OIDC token could not be fetched. */
export class SignInError extends PromotionError {
  override name = 'SignInError';
  /** HTTP status of the failed request, when the failure came from an HTTP response. */
  readonly status?: number;

  constructor(message: string, fields: { status?: number; cause?: unknown } = {}) {
    super('SIGN_IN_FAILED', message, { cause: fields.cause });
    this.status = fields.status;
  }
}
