/** Limits of the retry loop; every field is required so no caller depends on a hidden default. */
export interface RetryOptions {
  /** Maximum number of attempts, the first one included. */
  maxAttempts: number;
  /** Delay before the second attempt, doubled for each attempt after it, in milliseconds. */
  baseDelayMs: number;
  /** Upper bound of one computed delay, in milliseconds. */
  maxDelayMs: number;
  /** No attempt starts once this much time has passed since the first one, in milliseconds. */
  maxTotalMs: number;
}

export const DEFAULT_RETRY_OPTIONS: RetryOptions = {
  maxAttempts: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxTotalMs: 5 * 60_000,
};

/** Outcome of one attempt, reduced to what the retry decision needs. */
export type AttemptResult =
  | { kind: 'response'; status: number; retryAfter?: string | null }
  | { kind: 'error'; code?: string; timedOut?: boolean };

export type RetryDecision = { retry: true; delayMs: number; why: string } | { retry: false; why: string };

const RETRYABLE_STATUSES = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_ERROR_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT']);

/**
 * Failures after which the server cannot have applied the request: it refused it (429, 503)
 * or the connection was never made. Only these are retried for a request that is not
 * idempotent, because a 500, a reset or a timeout may come after the server applied it.
 */
const NOT_APPLIED_STATUSES = new Set([429, 503]);
const NOT_CONNECTED_ERROR_CODES = new Set(['ECONNREFUSED', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Parses a `Retry-After` header (seconds or an HTTP date) into milliseconds from `now`.
 * Returns undefined for a missing or unreadable value.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) {
    return undefined;
  }
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000);
  }
  // Every HTTP-date form starts with a day name. Date.parse alone would also read "-3" as a year.
  if (!/^[A-Za-z]{3}/.test(trimmed)) {
    return undefined;
  }
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Decides whether attempt number `attempt` (1-based) is followed by another, and after how long.
 * Retries 408, 429 and 5xx gateway/server errors, connection resets and timeouts; honours
 * `Retry-After` when the server sends it, otherwise waits exponentially with full jitter.
 * `random` returns a number in [0, 1) and `elapsedMs` is the time since the first attempt.
 * With `idempotent` false only failures the server cannot have applied are retried
 * (429, 503, and connections that were never made).
 */
export function decideRetry(
  result: AttemptResult,
  attempt: number,
  elapsedMs: number,
  options: RetryOptions,
  now: number,
  random: () => number,
  idempotent = true,
): RetryDecision {
  const cause = describeAttempt(result);
  if (!cause.retryable) {
    return { retry: false, why: cause.text };
  }
  if (!idempotent && !wasNotApplied(result)) {
    return { retry: false, why: `${cause.text}; not retried because the request may have been applied` };
  }
  if (attempt >= options.maxAttempts) {
    return { retry: false, why: `${cause.text}; gave up after ${attempt} attempts` };
  }

  const requested = result.kind === 'response' ? parseRetryAfter(result.retryAfter, now) : undefined;
  const exponential = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  const delayMs = requested ?? Math.round(random() * exponential);
  if (elapsedMs + delayMs > options.maxTotalMs) {
    return { retry: false, why: `${cause.text}; the next attempt would pass the ${options.maxTotalMs} ms retry budget` };
  }
  const source = requested === undefined ? 'backoff' : 'Retry-After';
  return { retry: true, delayMs, why: `${cause.text}; retrying in ${delayMs} ms (${source})` };
}

/** Returns whether another attempt may succeed after this result, leaving out the limits. */
export function isRetryable(result: AttemptResult): boolean {
  return describeAttempt(result).retryable;
}

function wasNotApplied(result: AttemptResult): boolean {
  if (result.kind === 'response') {
    return NOT_APPLIED_STATUSES.has(result.status);
  }
  return !result.timedOut && result.code !== undefined && NOT_CONNECTED_ERROR_CODES.has(result.code);
}

function describeAttempt(result: AttemptResult): { retryable: boolean; text: string } {
  if (result.kind === 'response') {
    return { retryable: RETRYABLE_STATUSES.has(result.status), text: `HTTP ${result.status}` };
  }
  if (result.timedOut) {
    return { retryable: true, text: 'request timed out' };
  }
  const code = result.code ?? 'unknown network error';
  return { retryable: RETRYABLE_ERROR_CODES.has(code) || code === 'unknown network error', text: code };
}
