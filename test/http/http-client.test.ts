import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { RegistryError } from '../../src/errors';
import { HttpClient, redactUrl, type HttpClientOptions } from '../../src/http/http-client';

type Handler = (request: http.IncomingMessage, response: http.ServerResponse, count: number) => void;

/** A plain HTTP server on 127.0.0.1 whose handler receives the number of the request, starting at 1. */
class TestServer {
  readonly requests: Array<{ method?: string; url?: string; authorization?: string; body: string }> = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();

  constructor(handler: Handler) {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        this.requests.push({ method: request.method, url: request.url, authorization: request.headers.authorization, body: Buffer.concat(chunks).toString('utf8') });
        handler(request, response, this.requests.length);
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function json(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

describe('HttpClient', () => {
  let server: TestServer | undefined;
  let delays: number[];
  let lines: string[];

  function clientFor(overrides: Partial<HttpClientOptions> = {}): HttpClient {
    return new HttpClient({
      fetch,
      retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalMs: 60_000 },
      timeoutMs: 2_000,
      log: (line) => lines.push(line),
      // Records the delays instead of waiting, so the tests stay fast; the requests are real.
      sleep: async (ms) => {
        delays.push(ms);
      },
      ...overrides,
    });
  }

  async function serve(handler: Handler): Promise<string> {
    server = new TestServer(handler);
    return await server.start();
  }

  beforeEach(() => {
    delays = [];
    lines = [];
  });

  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('retries 429 after Retry-After', async () => {
    const base = await serve((_request, response, count) => {
      if (count === 1) {
        json(response, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, { 'Retry-After': '3' });
      } else {
        json(response, 200, { ok: true });
      }
    });

    const response = await clientFor().send({ method: 'GET', url: `${base}/thing` });

    assert.equal(response.status, 200);
    assert.equal(response.attempts, 2);
    assert.deepEqual(response.json(), { ok: true });
    assert.deepEqual(delays, [3_000]);
    assert.equal(server?.requests.length, 2);
  });

  it('gives up after maxAttempts of 500', async () => {
    const base = await serve((_request, response) => json(response, 500, { error_code: 'INTERNAL_ERROR', message: 'boom' }));

    const response = await clientFor().send({ method: 'GET', url: `${base}/thing` });

    assert.equal(response.status, 500);
    assert.equal(response.attempts, 4);
    assert.equal(server?.requests.length, 4);
    assert.equal(delays.length, 3);
    assert.ok(lines.some((line) => line.includes('gave up after 4 attempts')), lines.join('\n'));
  });

  it('retries a reset connection', async () => {
    const base = await serve((request, response, count) => {
      if (count === 1) {
        request.socket.destroy();
      } else {
        json(response, 200, { ok: true });
      }
    });

    const response = await clientFor().send({ method: 'GET', url: `${base}/thing` });

    assert.equal(response.status, 200);
    assert.equal(response.attempts, 2);
    assert.match(lines[0] ?? '', /attempt 1 failed \((ECONNRESET|UND_ERR_SOCKET)\)/);
  });

  it('times out a hanging attempt', async () => {
    const base = await serve((_request, response, count) => {
      if (count > 1) {
        json(response, 200, { ok: true });
      }
      // The first request gets no response at all.
    });

    const started = Date.now();
    const response = await clientFor({ timeoutMs: 300 }).send({ method: 'GET', url: `${base}/thing` });

    assert.equal(response.status, 200);
    assert.equal(response.attempts, 2);
    assert.match(lines[0] ?? '', /attempt 1 failed \(timed out\)/);
    assert.ok(Date.now() - started >= 250, 'the first attempt waited for its time limit');
  });

  it('times out a body that never ends', async () => {
    const base = await serve((_request, response, count) => {
      if (count === 1) {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.write('{"partial":');
      } else {
        json(response, 200, { ok: true });
      }
    });

    const response = await clientFor({ timeoutMs: 300 }).send({ method: 'GET', url: `${base}/thing` });

    assert.equal(response.status, 200);
    assert.equal(response.attempts, 2);
    assert.deepEqual(response.json(), { ok: true });
  });

  it('fails with NETWORK_ERROR when every attempt hangs', async () => {
    const base = await serve(() => undefined);

    const request = clientFor({ timeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10, maxTotalMs: 60_000 } }).send({
      method: 'GET',
      url: `${base}/thing`,
    });

    await assert.rejects(request, (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.equal(error.code, 'NETWORK_ERROR');
      assert.equal(error.retryable, true);
      assert.match(error.message, /request timed out; gave up after 2 attempts/);
      return true;
    });
    assert.equal(server?.requests.length, 2);
  });

  it('returns 404 without retrying', async () => {
    const base = await serve((_request, response) => json(response, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no such model' }));

    const response = await clientFor().send({ method: 'GET', url: `${base}/thing` });

    assert.equal(response.status, 404);
    assert.equal(response.attempts, 1);
    assert.equal(server?.requests.length, 1);
    assert.deepEqual(delays, []);
  });

  it('stops at 500 when not idempotent', async () => {
    const base = await serve((_request, response) => json(response, 500, { error_code: 'INTERNAL_ERROR', message: 'boom' }));

    const response = await clientFor().send({ method: 'POST', url: `${base}/create`, json: { name: 'a' }, idempotent: false });

    assert.equal(response.status, 500);
    assert.equal(response.attempts, 1);
    assert.equal(server?.requests.length, 1);
    assert.ok(lines.some((line) => line.includes('may have been applied')), lines.join('\n'));
  });

  it('retries 429 when not idempotent', async () => {
    const base = await serve((_request, response, count) => {
      if (count === 1) {
        json(response, 429, { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' });
      } else {
        json(response, 200, { created: true });
      }
    });

    const response = await clientFor().send({ method: 'POST', url: `${base}/create`, json: { name: 'a' }, idempotent: false });

    assert.equal(response.status, 200);
    assert.equal(response.attempts, 2);
    assert.deepEqual(
      server?.requests.map((request) => request.body),
      ['{"name":"a"}', '{"name":"a"}'],
    );
  });

  it('refreshes Authorization on every attempt', async () => {
    const base = await serve((_request, response, count) => {
      if (count < 3) {
        json(response, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' });
      } else {
        json(response, 200, { ok: true });
      }
    });
    let issued = 0;

    const response = await clientFor({
      authorization: async () => {
        issued += 1;
        return `Bearer token-${issued}`;
      },
    }).send({ method: 'GET', url: `${base}/thing` });

    assert.equal(response.status, 200);
    assert.deepEqual(
      server?.requests.map((request) => request.authorization),
      ['Bearer token-1', 'Bearer token-2', 'Bearer token-3'],
    );
  });

  it('does not retry a failing credential', async () => {
    const base = await serve((_request, response) => json(response, 200, { ok: true }));

    const request = clientFor({
      authorization: async () => {
        throw new Error('no token for this connection');
      },
    }).send({ method: 'GET', url: `${base}/thing` });

    await assert.rejects(request, /no token for this connection/);
    assert.equal(server?.requests.length, 0);
  });

  it('redacts URL secrets in errors and logs', async () => {
    // The server is stopped before the request, so its port refuses the connection at once.
    const base = await serve(() => undefined);
    await server?.stop();
    server = undefined;
    const url = `${base}/download?sig=SECRET-SIGNATURE&name=model`;
    const requestLines: string[] = [];

    const request = clientFor({ retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10, maxTotalMs: 60_000 } }).send({
      method: 'GET',
      url,
      log: (line) => requestLines.push(line),
    });

    await assert.rejects(request, (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.equal(error.code, 'NETWORK_ERROR');
      assert.doesNotMatch(error.message, /SECRET-SIGNATURE/);
      assert.match(error.message, /sig=\*\*\*&name=model/);
      assert.match(error.message, /ECONNREFUSED/);
      return true;
    });
    assert.ok(requestLines.length >= 2, 'the request log received the attempt lines');
    assert.deepEqual(requestLines, lines);
    for (const line of lines) {
      assert.doesNotMatch(line, /SECRET-SIGNATURE/);
    }
  });

  it('throws INVALID_RESPONSE for a body that is not JSON', async () => {
    const base = await serve((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'text/html' });
      response.end('<html>login</html>');
    });

    const response = await clientFor().send({ method: 'GET', url: `${base}/thing` });

    assert.equal(response.text, '<html>login</html>');
    assert.throws(() => response.json(), (error: unknown) => error instanceof RegistryError && error.code === 'INVALID_RESPONSE' && error.status === 200);
  });

  it('stops waiting when the caller aborts', async () => {
    const base = await serve((_request, response) => json(response, 503, { error_code: 'TEMPORARILY_UNAVAILABLE', message: 'busy' }));
    const controller = new AbortController();

    const request = clientFor({
      sleep: async () => {
        controller.abort(new Error('run cancelled'));
        throw controller.signal.reason;
      },
    }).send({ method: 'GET', url: `${base}/thing`, signal: controller.signal });

    await assert.rejects(request, /run cancelled/);
    assert.equal(server?.requests.length, 1);
  });
});

describe('redactUrl', () => {
  const cases: Array<{ url: string; expected: string }> = [
    { url: 'https://a.blob.core.windows.net/c/b?sv=2024&sig=abc%2B&se=1', expected: 'https://a.blob.core.windows.net/c/b?sv=2024&sig=***&se=1' },
    { url: 'https://host/x?access_token=t0k3n', expected: 'https://host/x?access_token=***' },
    { url: 'https://host/x?name=model&token=abc#frag', expected: 'https://host/x?name=model&token=***#frag' },
    { url: 'https://host/x?client_secret=s&code=c', expected: 'https://host/x?client_secret=***&code=***' },
    { url: 'https://host/api/2.0/mlflow/model-versions/get?name=a&version=1', expected: 'https://host/api/2.0/mlflow/model-versions/get?name=a&version=1' },
  ];
  for (const { url, expected } of cases) {
    it(`redacts ${new URL(url).search || 'nothing'}`, () => {
      assert.equal(redactUrl(url), expected);
    });
  }
});
