import { RegistryError } from '../errors';
import { decideRetry, type AttemptResult, type RetryOptions } from './retry-policy';

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

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
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
 * other status are returned to the caller, which knows what a 404 or 409 means.
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

    for (let attempt = 1; ; attempt += 1) {
      let result: AttemptResult;
      let response: Response | undefined;
      let failure: unknown;
      try {
        response = await this.attempt(request);
        result = { kind: 'response', status: response.status, retryAfter: response.headers.get('retry-after') };
      } catch (error) {
        if (request.signal?.aborted) {
          throw error;
        }
        failure = error;
        result = { kind: 'error', code: networkErrorCode(error), timedOut: isTimeout(error) };
      }

      const decision = decideRetry(result, attempt, this.now() - started, this.options.retry, this.now(), this.random);
      const outcome = response ? `HTTP ${response.status}` : `failed (${result.kind === 'error' && result.timedOut ? 'timed out' : networkErrorCode(failure) ?? 'network error'})`;
      this.options.log?.(`${target}: attempt ${attempt} ${outcome}`);

      if (!decision.retry) {
        if (response) {
          return await this.toHttpResponse(response, attempt, target);
        }
        throw new RegistryError(`${target} failed: ${decision.why}`, { retryable: true, cause: failure, code: 'NETWORK_ERROR' });
      }
      this.options.log?.(`${target}: ${decision.why}`);
      await response?.body?.cancel().catch(() => undefined);
      await this.sleep(decision.delayMs, request.signal);
    }
  }

  private async attempt(request: HttpRequest): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    if (this.options.authorization) {
      headers.Authorization = await this.options.authorization();
    }
    let body: string | undefined;
    if (request.json !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(request.json);
    }
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    return await this.options.fetch(request.url, { method: request.method, headers, body, signal });
  }

  private async toHttpResponse(response: Response, attempts: number, target: string): Promise<HttpResponse> {
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      text,
      attempts,
      json<T>(): T {
        try {
          return JSON.parse(text) as T;
        } catch (error) {
          throw new RegistryError(`${target} returned HTTP ${response.status} with a body that is not JSON`, {
            status: response.status,
            cause: error,
            code: 'INVALID_RESPONSE',
          });
        }
      },
    };
  }
}
