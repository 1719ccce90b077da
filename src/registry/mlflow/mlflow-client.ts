import type { HttpClient, HttpRequest, HttpResponse } from '../../http/http-client';
import { MlflowError, mlflowResponseError } from './mlflow-error';

/** `ModelVersionStatus` of model_registry.proto. */
export type MlflowModelVersionStatus = 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';

export interface MlflowTag {
  key: string;
  value: string;
}

/** The fields of model_registry.proto's `ModelVersion` that the adapter reads. */
export interface MlflowModelVersion {
  name: string;
  version: string;
  source?: string;
  run_id?: string;
  run_link?: string;
  description?: string;
  status?: MlflowModelVersionStatus;
  status_message?: string;
  tags?: MlflowTag[];
  aliases?: string[];
}

/** The fields of model_registry.proto's `RegisteredModel` that the adapter reads. */
export interface MlflowRegisteredModel {
  name: string;
  aliases?: Array<{ alias: string; version: string }>;
}

export interface CreateModelVersionRequest {
  name: string;
  source: string;
  run_id?: string;
  run_link?: string;
  description?: string;
  tags?: MlflowTag[];
}

export interface SearchModelVersionsPage {
  modelVersions: MlflowModelVersion[];
  nextPageToken?: string;
}

/** Per-call options: the model's log, the run's cancellation signal and an attempt counter. */
export interface MlflowCallOptions {
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Incremented by the number of HTTP attempts of each call that got a response. */
  attempts?: { count: number };
}

/**
 * Typed client of the MLflow Model Registry REST API (`/api/2.0/mlflow/…`, the endpoints of
 * model_registry.proto). Every status other than 200 becomes an `MlflowError` carrying the
 * body's `error_code`. The client keeps no per-request state, so concurrent calls are safe.
 */
export class MlflowClient {
  private readonly apiBase: string;
  private readonly http: HttpClient;

  /** @param trackingUrl Tracking server URL without a trailing slash, for example `https://adb-1.azuredatabricks.net`. */
  constructor(trackingUrl: string, http: HttpClient) {
    this.apiBase = `${trackingUrl}/api/2.0/mlflow`;
    this.http = http;
  }

  async getRegisteredModel(name: string, options: MlflowCallOptions = {}): Promise<MlflowRegisteredModel> {
    const body = await this.get('registered-models/get', { name }, options);
    return readRegisteredModel(body, 'registered-models/get');
  }

  async createRegisteredModel(name: string, tags: MlflowTag[], options: MlflowCallOptions = {}): Promise<MlflowRegisteredModel> {
    const body = await this.post('registered-models/create', { name, tags }, options, false);
    return readRegisteredModel(body, 'registered-models/create');
  }

  async getModelVersion(name: string, version: string, options: MlflowCallOptions = {}): Promise<MlflowModelVersion> {
    const body = await this.get('model-versions/get', { name, version }, options);
    return readModelVersion(body, 'model-versions/get');
  }

  /** Creates a version. Not retried after a failure the server may have applied; the caller checks first. */
  async createModelVersion(request: CreateModelVersionRequest, options: MlflowCallOptions = {}): Promise<MlflowModelVersion> {
    const body = await this.post('model-versions/create', request, options, false);
    return readModelVersion(body, 'model-versions/create');
  }

  async searchModelVersions(filter: string, pageToken: string | undefined, maxResults: number, options: MlflowCallOptions = {}): Promise<SearchModelVersionsPage> {
    const query: Record<string, string> = { filter, max_results: String(maxResults) };
    if (pageToken !== undefined) {
      query.page_token = pageToken;
    }
    const body = (await this.get('model-versions/search', query, options)) as { model_versions?: unknown; next_page_token?: unknown };
    const list = body.model_versions ?? [];
    if (!Array.isArray(list)) {
      throw invalidResponse('model-versions/search', 'model_versions is not a list');
    }
    const token = typeof body.next_page_token === 'string' && body.next_page_token !== '' ? body.next_page_token : undefined;
    return { modelVersions: list.map((item: unknown) => checkModelVersion(item, 'model-versions/search')), nextPageToken: token };
  }

  async setModelVersionTag(name: string, version: string, tag: MlflowTag, options: MlflowCallOptions = {}): Promise<void> {
    await this.post('model-versions/set-tag', { name, version, key: tag.key, value: tag.value }, options, true);
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string, options: MlflowCallOptions = {}): Promise<void> {
    await this.post('registered-models/alias', { name, alias, version }, options, true);
  }

  async getModelVersionByAlias(name: string, alias: string, options: MlflowCallOptions = {}): Promise<MlflowModelVersion> {
    const body = await this.get('registered-models/alias', { name, alias }, options);
    return readModelVersion(body, 'registered-models/alias');
  }

  private async get(path: string, query: Record<string, string>, options: MlflowCallOptions): Promise<unknown> {
    const url = `${this.apiBase}/${path}?${new URLSearchParams(query).toString()}`;
    return await this.call(path, { method: 'GET', url, log: options.log, signal: options.signal }, options);
  }

  private async post(path: string, json: unknown, options: MlflowCallOptions, idempotent: boolean): Promise<unknown> {
    return await this.call(path, { method: 'POST', url: `${this.apiBase}/${path}`, json, idempotent, log: options.log, signal: options.signal }, options);
  }

  private async call(path: string, request: HttpRequest, options: MlflowCallOptions): Promise<unknown> {
    const response: HttpResponse = await this.http.send(request);
    if (options.attempts) {
      options.attempts.count += response.attempts;
    }
    if (response.status !== 200) {
      throw mlflowResponseError(path, response);
    }
    // Calls with an empty Response message (set-tag, alias) may come back with no body at all.
    return response.text.trim() === '' ? {} : response.json();
  }
}

function readModelVersion(body: unknown, operation: string): MlflowModelVersion {
  return checkModelVersion((body as { model_version?: unknown } | null)?.model_version, operation);
}

function checkModelVersion(value: unknown, operation: string): MlflowModelVersion {
  const version = value as Partial<MlflowModelVersion> | null | undefined;
  if (typeof version?.name !== 'string' || typeof version.version !== 'string') {
    throw invalidResponse(operation, 'a model_version has no name or version string');
  }
  return version as MlflowModelVersion;
}

function readRegisteredModel(body: unknown, operation: string): MlflowRegisteredModel {
  const model = (body as { registered_model?: Partial<MlflowRegisteredModel> } | null)?.registered_model;
  if (typeof model?.name !== 'string') {
    throw invalidResponse(operation, 'registered_model has no name');
  }
  return model as MlflowRegisteredModel;
}

function invalidResponse(operation: string, problem: string): MlflowError {
  return new MlflowError(`MLflow ${operation} returned an unexpected body: ${problem}. Check that the service connection URL is an MLflow tracking server`, {
    code: 'INVALID_RESPONSE',
  });
}
