import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An MLflow tracking server on 127.0.0.1 that implements the Model Registry endpoints the adapter
 * calls. It follows mlflow's model_registry.proto and its Flask handlers. Paths and methods are
 * the same, and required fields and types are checked as `_get_request_message` does. Responses
 * have the shapes of the proto messages, and errors are `{error_code, message}` bodies with the
 * status MLflow maps each code to. Faults can be injected per path: a status (with Retry-After),
 * a reset connection, a hang, or a 500 sent after the request was applied.
 */

type Status = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface FakeModelVersion {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  current_stage: string;
  description: string;
  source: string;
  run_id: string;
  status: Status;
  status_message?: string;
  tags: Array<{ key: string; value: string }>;
  /** Polls of model-versions/get left before a PENDING_REGISTRATION version settles. */
  pendingPolls: number;
  settlesAs: Status;
}

export interface FakeRegisteredModel {
  name: string;
  creation_timestamp: number;
  tags: Array<{ key: string; value: string }>;
  description: string;
  aliases: Map<string, string>;
  versions: FakeModelVersion[];
}

export type Fault =
  | { kind: 'status'; status: number; errorCode?: string; retryAfter?: string }
  | { kind: 'reset' }
  | { kind: 'hang' }
  /** Applies the request, then responds with 500, as a server that crashed before its response would. */
  | { kind: 'applyThenFail' };

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  authorization?: string;
}

/** How new versions of a target model register; `READY` at once unless set otherwise. */
export interface RegistrationBehaviour {
  pendingPolls: number;
  settlesAs: Status;
  statusMessage?: string;
}

class MlflowApiError extends Error {
  constructor(
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** HTTP status per error code, as mlflow/exceptions.py `ERROR_CODE_TO_HTTP_STATUS` maps them. */
const HTTP_STATUS: Record<string, number> = {
  INTERNAL_ERROR: 500,
  TEMPORARILY_UNAVAILABLE: 503,
  REQUEST_LIMIT_EXCEEDED: 429,
  ENDPOINT_NOT_FOUND: 404,
  RESOURCE_DOES_NOT_EXIST: 404,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  BAD_REQUEST: 400,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
};

const API_PREFIX = '/api/2.0/mlflow/';

type FieldRule = 'required' | 'string' | 'intlike' | 'array' | 'tags';
type Schema = Record<string, FieldRule[]>;

interface Endpoint {
  method: 'GET' | 'POST';
  schema: Schema;
  handle(server: FakeMlflowServer, message: Record<string, unknown>): unknown;
}

export class FakeMlflowServer {
  readonly models = new Map<string, FakeRegisteredModel>();
  readonly requests: RecordedRequest[] = [];
  /** Registration behaviour of new versions, by registered model name. */
  readonly registration = new Map<string, RegistrationBehaviour>();
  private readonly faults: Array<{ path: string; remaining: number; fault: Fault }> = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private clock = Date.parse('2026-12-04T10:00:00Z');

  /**
   * @param token Bearer token every request must carry; requests without it get 401.
   * @param pathPrefix Path before `/api/2.0/mlflow/`, as on Azure ML's MLflow endpoint.
   */
  constructor(
    private readonly token: string,
    private readonly pathPrefix = '',
  ) {
    this.server = http.createServer((request, response) => {
      void this.receive(request, response);
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${this.pathPrefix}`;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) {
      socket.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Makes the next `times` requests to `path` (for example `model-versions/create`) fail with `fault`. */
  inject(path: string, fault: Fault, times = 1): void {
    this.faults.push({ path, remaining: times, fault });
  }

  /** Adds a registered model with READY versions, as the registration step of a pipeline leaves them. */
  seedModel(name: string, versions: Array<{ version: string; runId?: string; status?: Status; tags?: Record<string, string> }>): void {
    const model = this.createModel(name, [], '');
    for (const seed of versions) {
      model.versions.push(this.newVersion(model, seed.version, `runs:/${seed.runId ?? 'run0'}/model`, seed.runId ?? 'run0', '', toTags(seed.tags ?? {}), seed.status ?? 'READY'));
    }
  }

  /** Requests to one endpoint, in order. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  // The handlers below follow mlflow/server/handlers.py and the SQLAlchemy registry store.

  createModel(name: string, tags: Array<{ key: string; value: string }>, description: string): FakeRegisteredModel {
    if (this.models.has(name)) {
      throw new MlflowApiError('RESOURCE_ALREADY_EXISTS', `Registered Model (name=${name}) already exists.`);
    }
    const model: FakeRegisteredModel = { name, creation_timestamp: this.tick(), tags, description, aliases: new Map(), versions: [] };
    this.models.set(name, model);
    return model;
  }

  getModel(name: string): FakeRegisteredModel {
    const model = this.models.get(name);
    if (model === undefined) {
      throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
    }
    return model;
  }

  getVersion(name: string, version: string): FakeModelVersion {
    const found = this.getModel(name).versions.find((candidate) => candidate.version === version);
    if (found === undefined) {
      throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Model Version (name=${name}, version=${version}) not found`);
    }
    return found;
  }

  createVersion(name: string, source: string, runId: string, description: string, tags: Array<{ key: string; value: string }>): FakeModelVersion {
    const model = this.getModel(name);
    // The SQLAlchemy store resolves a models:/ source to the version it names, which must exist.
    const reference = /^models:\/([^/]+)\/([^/]+)$/.exec(source);
    if (source.startsWith('models:/') && reference === null) {
      throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid model version source: '${source}'.`);
    }
    if (reference !== null) {
      this.getVersion(reference[1] ?? '', reference[2] ?? '');
    }
    const version = String(model.versions.reduce((highest, candidate) => Math.max(highest, Number(candidate.version)), 0) + 1);
    const behaviour = this.registration.get(name) ?? { pendingPolls: 0, settlesAs: 'READY' };
    const created = this.newVersion(model, version, source, runId, description, tags, behaviour.pendingPolls > 0 ? 'PENDING_REGISTRATION' : behaviour.settlesAs);
    created.pendingPolls = behaviour.pendingPolls;
    created.settlesAs = behaviour.settlesAs;
    if (created.status === 'FAILED_REGISTRATION') {
      created.status_message = behaviour.statusMessage;
    }
    model.versions.push(created);
    return created;
  }

  /** Returns the version's proto JSON; a poll of a pending version counts down towards its final status. */
  pollVersion(version: FakeModelVersion): FakeModelVersion {
    if (version.status === 'PENDING_REGISTRATION') {
      version.pendingPolls -= 1;
      if (version.pendingPolls <= 0) {
        version.status = version.settlesAs;
        if (version.status === 'FAILED_REGISTRATION') {
          version.status_message = this.registration.get(version.name)?.statusMessage;
        }
      }
    }
    return version;
  }

  versionJson(version: FakeModelVersion): Record<string, unknown> {
    const model = this.getModel(version.name);
    const aliases = [...model.aliases].filter(([, target]) => target === version.version).map(([alias]) => alias);
    const json: Record<string, unknown> = {
      name: version.name,
      version: version.version,
      creation_timestamp: version.creation_timestamp,
      last_updated_timestamp: version.last_updated_timestamp,
      current_stage: version.current_stage,
      description: version.description,
      source: version.source,
      run_id: version.run_id,
      status: version.status,
      aliases,
    };
    if (version.status_message !== undefined) {
      json.status_message = version.status_message;
    }
    if (version.tags.length > 0) {
      json.tags = version.tags;
    }
    return json;
  }

  modelJson(model: FakeRegisteredModel): Record<string, unknown> {
    const json: Record<string, unknown> = {
      name: model.name,
      creation_timestamp: model.creation_timestamp,
      last_updated_timestamp: model.creation_timestamp,
      description: model.description,
      aliases: [...model.aliases].map(([alias, version]) => ({ alias, version })),
    };
    if (model.tags.length > 0) {
      json.tags = model.tags;
    }
    return json;
  }

  private newVersion(
    model: FakeRegisteredModel,
    version: string,
    source: string,
    runId: string,
    description: string,
    tags: Array<{ key: string; value: string }>,
    status: Status,
  ): FakeModelVersion {
    const now = this.tick();
    return {
      name: model.name,
      version,
      creation_timestamp: now,
      last_updated_timestamp: now,
      current_stage: 'None',
      description,
      source,
      run_id: runId,
      status,
      tags,
      pendingPolls: 0,
      settlesAs: status,
    };
  }

  private tick(): number {
    this.clock += 1_000;
    return this.clock;
  }

  private async receive(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const fullPrefix = `${this.pathPrefix}${API_PREFIX}`;
    const path = url.pathname.startsWith(fullPrefix) ? url.pathname.slice(fullPrefix.length) : url.pathname;
    const query = Object.fromEntries(url.searchParams);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    this.requests.push({ method, path, query, body, authorization: request.headers.authorization });

    const fault = this.takeFault(path);
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'hang') {
      return;
    }
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter };
      sendJson(response, fault.status, { error_code: fault.errorCode ?? codeForStatus(fault.status), message: `Injected HTTP ${fault.status}` }, headers);
      return;
    }

    const result = this.dispatch(request, url, method, path, query, text);
    if (fault?.kind === 'applyThenFail') {
      sendJson(response, 500, { error_code: 'INTERNAL_ERROR', message: 'Injected failure after the request was applied' });
      return;
    }
    sendJson(response, result.status, result.body);
  }

  private dispatch(request: http.IncomingMessage, url: URL, method: string, path: string, query: Record<string, string>, text: string): { status: number; body: unknown } {
    if (request.headers.authorization !== `Bearer ${this.token}`) {
      return errorResult(new MlflowApiError('UNAUTHENTICATED', 'Credential was not sent or was of an unsupported type for this API.'));
    }
    if (!url.pathname.startsWith(`${this.pathPrefix}${API_PREFIX}`)) {
      return errorResult(new MlflowApiError('ENDPOINT_NOT_FOUND', `No API found for '${method} ${url.pathname}'`));
    }
    const endpoint = ENDPOINTS[`${method} ${path}`];
    if (endpoint === undefined) {
      const otherMethod = Object.keys(ENDPOINTS).some((key) => key.endsWith(` ${path}`));
      return otherMethod ? { status: 405, body: { error_code: 'BAD_REQUEST', message: `Method ${method} not allowed` } } : errorResult(new MlflowApiError('ENDPOINT_NOT_FOUND', `No API found for '${method} ${path}'`));
    }
    try {
      const message = method === 'GET' ? query : parseJsonBody(request, text);
      validate(endpoint.schema, message);
      return { status: 200, body: endpoint.handle(this, message) };
    } catch (error) {
      if (error instanceof MlflowApiError) {
        return errorResult(error);
      }
      throw error;
    }
  }

  private takeFault(path: string): Fault | undefined {
    const entry = this.faults.find((candidate) => candidate.path === path && candidate.remaining > 0);
    if (entry === undefined) {
      return undefined;
    }
    entry.remaining -= 1;
    return entry.fault;
  }
}

const ENDPOINTS: Record<string, Endpoint> = {
  'GET registered-models/get': {
    method: 'GET',
    schema: { name: ['string', 'required'] },
    handle: (server, message) => ({ registered_model: server.modelJson(server.getModel(message.name as string)) }),
  },
  'POST registered-models/create': {
    method: 'POST',
    schema: { name: ['string', 'required'], tags: ['array', 'tags'], description: ['string'] },
    handle: (server, message) => ({
      registered_model: server.modelJson(server.createModel(message.name as string, tagsOf(message), (message.description as string | undefined) ?? '')),
    }),
  },
  'GET model-versions/get': {
    method: 'GET',
    schema: { name: ['string', 'required'], version: ['string', 'required'] },
    handle: (server, message) => ({ model_version: server.versionJson(server.pollVersion(server.getVersion(message.name as string, message.version as string))) }),
  },
  'POST model-versions/create': {
    method: 'POST',
    schema: {
      name: ['string', 'required'],
      source: ['string', 'required'],
      run_id: ['string'],
      tags: ['array', 'tags'],
      run_link: ['string'],
      description: ['string'],
    },
    handle: (server, message) => ({
      model_version: server.versionJson(
        server.createVersion(
          message.name as string,
          message.source as string,
          (message.run_id as string | undefined) ?? '',
          (message.description as string | undefined) ?? '',
          tagsOf(message),
        ),
      ),
    }),
  },
  'GET model-versions/search': {
    method: 'GET',
    schema: { filter: ['string'], max_results: ['intlike'], page_token: ['string'] },
    handle: (server, message) => searchVersions(server, message),
  },
  'POST model-versions/set-tag': {
    method: 'POST',
    schema: { name: ['string', 'required'], version: ['string', 'required'], key: ['string', 'required'], value: ['string'] },
    handle: (server, message) => {
      const version = server.getVersion(message.name as string, message.version as string);
      version.tags = [...version.tags.filter((tag) => tag.key !== message.key), { key: message.key as string, value: (message.value as string | undefined) ?? '' }];
      return {};
    },
  },
  'POST registered-models/alias': {
    method: 'POST',
    schema: { name: ['string', 'required'], alias: ['string', 'required'], version: ['string', 'required'] },
    handle: (server, message) => {
      const alias = message.alias as string;
      if (alias.toLowerCase() === 'latest' || /^[vV]\d+$/.test(alias)) {
        throw new MlflowApiError('INVALID_PARAMETER_VALUE', `'${alias}' alias name (case insensitive) is reserved.`);
      }
      const version = server.getVersion(message.name as string, message.version as string);
      server.getModel(version.name).aliases.set(alias, version.version);
      return {};
    },
  },
  'GET registered-models/alias': {
    method: 'GET',
    schema: { name: ['string', 'required'], alias: ['string', 'required'] },
    handle: (server, message) => {
      const model = server.getModel(message.name as string);
      const version = model.aliases.get(message.alias as string);
      if (version === undefined) {
        throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Registered model alias ${String(message.alias)} not found.`);
      }
      return { model_version: server.versionJson(server.getVersion(model.name, version)) };
    },
  },
};

/** Supports the one filter form the adapter sends, `name='<name>'`, and pages with an offset token. */
function searchVersions(server: FakeMlflowServer, message: Record<string, unknown>): unknown {
  const filter = ((message.filter as string | undefined) ?? '').trim();
  const match = /^name\s*=\s*'([^']*)'$/.exec(filter);
  if (filter !== '' && match === null) {
    throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid filter '${filter}'. The fake server supports only name='<name>'.`);
  }
  const maxResults = message.max_results === undefined ? 200_000 : Number(message.max_results);
  if (maxResults < 1 || maxResults > 200_000) {
    throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid value ${maxResults} for parameter 'max_results' supplied.`);
  }
  let offset = 0;
  if (message.page_token !== undefined && message.page_token !== '') {
    offset = Number(Buffer.from(message.page_token as string, 'base64').toString('utf8'));
    if (!Number.isInteger(offset) || offset < 0) {
      throw new MlflowApiError('INVALID_PARAMETER_VALUE', 'Invalid page token, could not base64-decode');
    }
  }

  const all = [...server.models.values()]
    .filter((model) => match === null || model.name === match[1])
    .flatMap((model) => model.versions)
    .sort((a, b) => b.creation_timestamp - a.creation_timestamp);
  const page = all.slice(offset, offset + maxResults);
  const result: Record<string, unknown> = { model_versions: page.map((version) => server.versionJson(version)) };
  if (offset + maxResults < all.length) {
    result.next_page_token = Buffer.from(String(offset + maxResults), 'utf8').toString('base64');
  }
  return result;
}

/** Checks fields as mlflow's `_validate_param_against_schema` does; GET values arrive as strings. */
function validate(schema: Schema, message: Record<string, unknown>): void {
  for (const [field, rules] of Object.entries(schema)) {
    const value = message[field];
    if (rules.includes('required') && (value === undefined || value === null || value === '')) {
      throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`);
    }
    if (value === undefined) {
      continue;
    }
    const invalid = (): MlflowApiError =>
      new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid value ${JSON.stringify(value)} for parameter '${field}' supplied. Hint: Value was of type '${typeof value}'.`);
    if (rules.includes('string') && typeof value !== 'string') {
      throw invalid();
    }
    if (rules.includes('intlike') && !(typeof value === 'number' ? Number.isInteger(value) : /^-?\d+$/.test(String(value)))) {
      throw invalid();
    }
    if (rules.includes('array') && !Array.isArray(value)) {
      throw invalid();
    }
    if (rules.includes('tags')) {
      for (const tag of value as unknown[]) {
        const entry = tag as { key?: unknown; value?: unknown } | null;
        if (typeof entry?.key !== 'string' || entry.key === '' || (entry.value !== undefined && typeof entry.value !== 'string')) {
          throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Invalid tag ${JSON.stringify(tag)} in '${field}': each tag needs a string key and a string value.`);
        }
      }
    }
  }
}

function parseJsonBody(request: http.IncomingMessage, text: string): Record<string, unknown> {
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new MlflowApiError('INVALID_PARAMETER_VALUE', `Bad Request. Content-Type must be one of ['application/json'].`);
  }
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    throw new MlflowApiError('BAD_REQUEST', 'Malformed JSON request body.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new MlflowApiError('BAD_REQUEST', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

function tagsOf(message: Record<string, unknown>): Array<{ key: string; value: string }> {
  return ((message.tags as Array<{ key: string; value?: string }> | undefined) ?? []).map((tag) => ({ key: tag.key, value: tag.value ?? '' }));
}

function toTags(tags: Record<string, string>): Array<{ key: string; value: string }> {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

function errorResult(error: MlflowApiError): { status: number; body: unknown } {
  return { status: HTTP_STATUS[error.errorCode] ?? 500, body: { error_code: error.errorCode, message: error.message } };
}

function codeForStatus(status: number): string {
  return Object.entries(HTTP_STATUS).find(([, candidate]) => candidate === status)?.[0] ?? 'INTERNAL_ERROR';
}

function sendJson(response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}
