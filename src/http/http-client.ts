import { RegistryError } from '../errors';
import { decideRetry, isRetryable, type AttemptResult, type RetryOptions } from './retry-policy';
import { sleep as defaultSleep } from './sleep';

export type FetchFunction = typeof fetch;

export interface HttpClientOptions {
  fetch: FetchFunction;
  retry: RetryOptions;
  /** Time limit of one attempt, in milliseconds. */
  timeoutMs: number;
  /** Returns the `Authorization` header value for each attempt, so an expired token is replaced. */
  authorization?: () => Promise<string>;
  /** Receives one line per attempt and retry decision; lines contain no secrets. */
  log?: (line: string) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  random?: () => number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  signal?: AbortSignal;
  /**
   * False when sending the request twice could apply it twice, as for a create call. Such a
   * request is retried only after failures the server cannot have applied (see `decideRetry`),
   * so the caller checks what happened after any other failure. Defaults to true.
   */
  idempotent?: boolean;
  /** Receives this request's attempt lines in addition to the client's `log`, for example a model's log group. */
  log?: (line: string) => void;
}

/** Status, headers and the whole body of one attempt's response. */
interface ReceivedResponse {
  status: number;
  headers: Headers;
  text: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
  /** Number of attempts made, including the one that produced this response. */
  attempts: number;
  /** Parses the body as JSON; throws RegistryError when it is not JSON. */
  json<T = unknown>(): T;
}

const SECRET_QUERY_PARAMETERS = /([?&](?:sig|signature|token|access_token|code|client_secret|api-key|key)=)[^&#]*/gi;

/** Replaces secret-looking query parameter values with `***`, for URLs shown in logs and errors. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMETERS, '$1***');
}

function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      return code;
    }
    current = current.cause;
  }
  return undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || networkErrorCode(error) === 'UND_ERR_HEADERS_TIMEOUT');
}

/**
 * Sends HTTP requests with a per-attempt timeout and retries on throttling, server errors,
 * connection resets and timeouts, bounded in attempts and total time. Responses of any
 * other status are returned to the caller, which decides what a 404 or 409 means.
 */
export class HttpClient {
  private readonly options: HttpClientOptions;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(options: HttpClientOptions) {
    this.options = options;
    this.sleep = options.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  async send(request: HttpRequest): Promise<HttpResponse> {
    const started = this.now();
    const target = `${request.method} ${redactUrl(request.url)}`;
    const log = (line: string): void => {
      this.options.log?.(line);
      request.log?.(line);
    };

    for (let attempt = 1; ; attempt += 1) {
      // Outside the try block: a credential that cannot produce a token is not a network fault
      // and is not retried here (credential libraries retry their own token requests).
      const init = await this.buildRequestInit(request);

      let result: AttemptResult;
      let received: ReceivedResponse | undefined;
      let failure: unknown;
      try {
        received = await this.attempt(request, init);
        result = { kind: 'response', status: received.status, retryAfter: received.headers.get('retry-after') };
      } catch (error) {
        if (request.signal?.aborted) {
          throw error;
        }
        failure = error;
        result = { kind: 'error', code: networkErrorCode(error), timedOut: isTimeout(error) };
      }

      const elapsedMs = this.now() - started;
      const decision = decideRetry(result, attempt, elapsedMs, this.options.retry, this.now(), this.random, request.idempotent ?? true);
      log(`${target}: attempt ${attempt} ${describeOutcome(result)}`);

      if (!decision.retry) {
        if (isRetryable(result)) {
          log(`${target}: ${decision.why}`);
        }
        if (received) {
          return this.toHttpResponse(received, attempt, target);
        }
        throw new RegistryError(`${target} failed: ${decision.why}`, { retryable: isRetryable(result), cause: failure, code: 'NETWORK_ERROR' });
      }
      log(`${target}: ${decision.why}`);
      await this.sleep(decision.delayMs, request.signal);
    }
  }

  private async buildRequestInit(request: HttpRequest): Promise<RequestInit> {
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    if (this.options.authorization) {
      headers.Authorization = await this.options.authorization();
    }
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    return { method: request.method, headers, body };
  }

  /** Sends one attempt and reads the whole body, both within the attempt's time limit. */
  private async attempt(request: HttpRequest, init: RequestInit): Promise<ReceivedResponse> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const response = await this.options.fetch(request.url, { ...init, signal });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  }

  private toHttpResponse(received: ReceivedResponse, attempts: number, target: string): HttpResponse {
    const { status, headers, text } = received;
    return {
      status,
      headers,
      text,
      attempts,
      json<T>(): T {
        try {
          return JSON.parse(text) as T;
        } catch (error) {
          throw new RegistryError(`${target} returned HTTP ${status} with a body that is not JSON`, {
            status,
            cause: error,
            code: 'INVALID_RESPONSE',
          });
        }
      },
    };
  }
}

function describeOutcome(result: AttemptResult): string {
  if (result.kind === 'response') {
    return `HTTP ${result.status}`;
  }
  return `failed (${result.timedOut ? 'timed out' : result.code ?? 'network error'})`;
}
