import * as https from 'node:https';

/**
 * Creates a `fetch` for in-process tests that trusts the test CA. Node reads NODE_EXTRA_CA_CERTS
 * only at start-up and Node 20's global `fetch` takes no CA option, so this one sends requests
 * through `https.request` with `ca` set. Spawned tasks use the real global `fetch` instead.
 */
export function createTrustedFetch(caPem: string): typeof fetch {
  const agent = new https.Agent({ ca: caPem, keepAlive: false });
  const trustedFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const url = new URL(typeof input === 'string' || input instanceof URL ? input.toString() : input.url);
      const headers = new Headers(init.headers);
      const request = https.request(url, { method: init.method ?? 'GET', headers: Object.fromEntries(headers.entries()), agent, signal: init.signal ?? undefined }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (value !== undefined) {
              responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
            }
          }
          const body = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolve(new Response(body, { status, headers: responseHeaders }));
        });
      });
      request.on('error', reject);
      if (typeof init.body === 'string') {
        request.write(init.body);
      }
      request.end();
    });
  return trustedFetch as typeof fetch;
}
