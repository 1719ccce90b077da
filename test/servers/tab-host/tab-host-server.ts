// Serves the summary tab the way Azure DevOps does, on 127.0.0.1 only. The host page runs on
// one origin and the built extension files (dist/web) on a second one, because the real
// service loads extensions cross-origin too. The host origin also serves the Build and
// Release REST attachment routes from fixtures, with CORS and bearer-token checks.
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const ORGANIZATION = 'contoso';
export const PROJECT = { id: '5b0c2c8e-6a4f-4e59-9d55-1f7b64f0c0de', name: 'Plants' };
export const ACCESS_TOKEN = 'test-access-token';
const ATTACHMENT_TYPE = 'promotion-result';

/** One promotion_result.json attachment of a task step. */
export interface FixtureAttachment {
  name: string;
  timelineId: string;
  recordId: string;
  /** File content, or the HTTP status that the download returns instead. */
  body: string | { status: number };
}

export type Scenario =
  | { kind: 'build'; buildId: number; attachments: FixtureAttachment[] | { status: number } }
  | { kind: 'release-stage'; releaseId: number; environmentId: number; planId: string; attachments: FixtureAttachment[] };

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  accept: string | undefined;
}

export interface TabHost {
  /** URL of the host page that shows the tab for `scenario`. */
  pageUrl(scenario: string): string;
  /** REST requests the tab made, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

async function listen(server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function send(response: http.ServerResponse, status: number, body: string | Buffer, type: string, headers = {}): void {
  response.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...headers });
  response.end(body);
}

/** Starts the host and extension servers for the given scenarios, keyed by name. */
export async function startTabHost(webRoot: string, scenarios: Record<string, Scenario>): Promise<TabHost> {
  const requests: RecordedRequest[] = [];
  const hostScript = await readFile(path.join(__dirname, 'host.js'), 'utf8');

  const extension = http.createServer((request, response) => {
    const name = path.basename(new URL(request.url ?? '/', 'http://x').pathname);
    readFile(path.join(webRoot, name)).then(
      (content) => send(response, 200, content, CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream'),
      () => send(response, 404, `${name} not found in ${webRoot}`, 'text/plain'),
    );
  });
  const extensionOrigin = await listen(extension);

  const host = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    if (url.pathname === '/host.js') {
      send(response, 200, hostScript, CONTENT_TYPES['.js']);
    } else if (url.pathname === '/host.html') {
      const scenario = scenarios[url.searchParams.get('scenario') ?? ''];
      if (!scenario) return send(response, 404, 'unknown scenario', 'text/plain');
      send(response, 200, renderHostPage(hostConfig(scenario, hostOrigin, extensionOrigin)), CONTENT_TYPES['.html']);
    } else {
      serveApi(request, response, url, scenarios, extensionOrigin, hostOrigin, requests);
    }
  });
  const hostOrigin = await listen(host);

  return {
    pageUrl: (scenario) => `${hostOrigin}/host.html?scenario=${encodeURIComponent(scenario)}`,
    requests,
    close: async () => {
      host.closeAllConnections();
      extension.closeAllConnections();
      await Promise.all([
        new Promise((resolve) => host.close(resolve)),
        new Promise((resolve) => extension.close(resolve)),
      ]);
    },
  };
}

function hostConfig(scenario: Scenario, hostOrigin: string, extensionOrigin: string) {
  const common = {
    tabUrl: `${extensionOrigin}/promotion-tab.html`,
    apiRoot: `${hostOrigin}/${ORGANIZATION}/`,
    project: PROJECT,
    accessToken: ACCESS_TOKEN,
  };
  if (scenario.kind === 'build') {
    return {
      ...common,
      buildId: scenario.buildId,
      contributionId: 'test-publisher.promote-models.model-promotion-build-tab',
      initialConfig: {},
    };
  }
  return {
    ...common,
    contributionId: 'test-publisher.promote-models.model-promotion-release-stage-tab',
    initialConfig: { releaseEnvironment: { id: scenario.environmentId, releaseId: scenario.releaseId, name: 'Production' } },
  };
}

function renderHostPage(config: object): string {
  // `<` is escaped so that no fixture text can close the script element.
  const json = JSON.stringify(config).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Azure DevOps (test host)</title>
<style>body{margin:0;font-family:sans-serif;background:#f8f8f8}iframe{border:0;width:100%;height:100vh;background:#fff}</style>
</head><body>
<iframe id="tab" title="Model promotion"></iframe>
<script id="host-config" type="application/json">${json}</script>
<script src="/host.js"></script>
</body></html>`;
}

function serveApi(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  url: URL,
  scenarios: Record<string, Scenario>,
  extensionOrigin: string,
  hostOrigin: string,
  requests: RecordedRequest[],
): void {
  const cors = {
    'Access-Control-Allow-Origin': extensionOrigin,
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-VSS-ReauthenticationAction, X-TFS-FedAuthRedirect, X-TFS-Session',
    'Access-Control-Allow-Methods': 'GET',
  };
  if (request.method === 'OPTIONS') return send(response, 204, '', 'text/plain', cors);
  if (!url.pathname.includes('/_apis/')) return send(response, 404, 'not found', 'text/plain');

  requests.push({
    method: request.method ?? '',
    path: url.pathname,
    authorization: request.headers.authorization,
    accept: request.headers.accept,
  });
  const json = (status: number, body: unknown) => send(response, status, JSON.stringify(body), 'application/json; charset=utf-8', cors);
  if (request.headers.authorization !== `Bearer ${ACCESS_TOKEN}`) {
    return json(401, { message: 'TF400813: The user is not authorized to access this resource.' });
  }

  const prefix = `/${ORGANIZATION}/${PROJECT.id}/_apis/`;
  if (!url.pathname.startsWith(prefix)) return json(404, { message: `No route for ${url.pathname}` });
  const segments = url.pathname.slice(prefix.length).split('/').map(decodeURIComponent);
  const apiBase = `${hostOrigin}${prefix}`;

  const result = segments[0] === 'build' ? serveBuild(segments, scenarios, apiBase) : serveRelease(segments, scenarios);
  if (result === undefined) return json(404, { message: `No route for ${url.pathname}` });
  if ('status' in result) return json(result.status, { message: `Simulated server error ${result.status}` });
  if ('content' in result) return send(response, 200, result.content, 'application/octet-stream', cors);
  json(200, result.json);
}

type ApiResult = { status: number } | { content: string } | { json: unknown } | undefined;

function attachmentBody(attachment: FixtureAttachment | undefined): ApiResult {
  if (!attachment) return undefined;
  return typeof attachment.body === 'string' ? { content: attachment.body } : attachment.body;
}

// build/builds/{buildId}/attachments/{type}
// build/builds/{buildId}/{timelineId}/{recordId}/attachments/{type}/{name}
function serveBuild(segments: string[], scenarios: Record<string, Scenario>, apiBase: string): ApiResult {
  const buildId = Number(segments[2]);
  const scenario = Object.values(scenarios).find((item) => item.kind === 'build' && item.buildId === buildId);
  if (scenario?.kind !== 'build' || segments[1] !== 'builds') return undefined;

  if (segments[3] === 'attachments' && segments[4] === ATTACHMENT_TYPE && segments.length === 5) {
    if (!Array.isArray(scenario.attachments)) return scenario.attachments;
    return {
      json: scenario.attachments.map((attachment) => ({
        name: attachment.name,
        _links: {
          self: {
            href: `${apiBase}build/builds/${buildId}/${attachment.timelineId}/${attachment.recordId}/attachments/${ATTACHMENT_TYPE}/${encodeURIComponent(attachment.name)}`,
          },
        },
      })),
    };
  }
  const [, , , timelineId, recordId, literal, type, name] = segments;
  if (literal !== 'attachments' || type !== ATTACHMENT_TYPE || !Array.isArray(scenario.attachments)) return undefined;
  return attachmentBody(
    scenario.attachments.find((item) => item.timelineId === timelineId && item.recordId === recordId && item.name === name),
  );
}

// Release/releases/{releaseId}
// Release/releases/{id}/environments/{env}/attempts/{attempt}/plan/{plan}/attachments/{type}
// Release/releases/{id}/environments/{env}/attempts/{attempt}/plan/{plan}/timelines/{t}/records/{r}/attachments/{type}/{name}
function serveRelease(segments: string[], scenarios: Record<string, Scenario>): ApiResult {
  if (segments[0] !== 'Release' || segments[1] !== 'releases') return undefined;
  const releaseId = Number(segments[2]);
  const scenario = Object.values(scenarios).find((item) => item.kind === 'release-stage' && item.releaseId === releaseId);
  if (scenario?.kind !== 'release-stage') return undefined;

  if (segments.length === 3) {
    return {
      json: {
        id: releaseId,
        environments: [
          { id: scenario.environmentId - 1, deploySteps: [{ attempt: 1, releaseDeployPhases: [{ runPlanId: 'plan-of-other-stage' }] }] },
          {
            id: scenario.environmentId,
            deploySteps: [
              { attempt: 1, releaseDeployPhases: [{ runPlanId: 'plan-of-first-attempt' }] },
              { attempt: 2, releaseDeployPhases: [{ runPlanId: scenario.planId }] },
            ],
          },
        ],
      },
    };
  }
  const [, , , environments, environmentId, attempts, attempt, plan, planId] = segments;
  if (
    environments !== 'environments' ||
    Number(environmentId) !== scenario.environmentId ||
    attempts !== 'attempts' ||
    attempt !== '2' ||
    plan !== 'plan' ||
    planId !== scenario.planId
  ) {
    return undefined;
  }
  const rest = segments.slice(9);
  if (rest.length === 2 && rest[0] === 'attachments' && rest[1] === ATTACHMENT_TYPE) {
    return {
      json: scenario.attachments.map((attachment) => ({
        name: attachment.name,
        recordId: attachment.recordId,
        timelineId: attachment.timelineId,
        type: ATTACHMENT_TYPE,
        _links: {},
      })),
    };
  }
  const [timelines, timelineId, records, recordId, literal, type, name] = rest;
  if (timelines !== 'timelines' || records !== 'records' || literal !== 'attachments' || type !== ATTACHMENT_TYPE) {
    return undefined;
  }
  return attachmentBody(
    scenario.attachments.find((item) => item.timelineId === timelineId && item.recordId === recordId && item.name === name),
  );
}
