import { RegistryError, type Problem } from '../../errors';
import { HttpClient, type FetchFunction } from '../../http/http-client';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from '../../http/retry-policy';
import { approvalKey, type RegisteredModel } from '../../models/registered-model';
import { quote } from '../../text/neutralize';
import type { ModelRegistry, PromotionOutcome, RegistryCallContext, RegistryLookup } from '../model-registry';
import type { MlflowRegistryConfig } from '../registry-config';
import { MlflowClient, type CreateModelVersionRequest, type MlflowCallOptions, type MlflowModelVersion, type MlflowTag } from './mlflow-client';
import { MlflowError } from './mlflow-error';
import { targetModelNameFor } from './read-mlflow-config';

/** Value of the `promoted_by` tag on every version this extension creates or aliases. */
export const PROMOTED_BY = 'azure-devops-promote-models';

/** Page size of model-versions/search; open-source MLflow's handler accepts up to 200,000. */
const DEFAULT_SEARCH_PAGE_SIZE = 1_000;
/** Guard against a server that keeps returning page tokens: 1,000 pages of 1,000 versions. */
const MAX_SEARCH_PAGES = 1_000;
/** Create calls after an ambiguous failure (500, reset, timeout), each preceded by a search. */
const MAX_CREATE_CALLS = 3;
/** MLflow tag values are guaranteed up to 5,000 bytes; approver lists are cut well below that. */
const MAX_TAG_VALUE_LENGTH = 1_000;

export interface MlflowRegistryDeps {
  fetch: FetchFunction;
  /** Registers a secret with the agent so that it is masked in every log line. */
  setSecret(value: string): void;
  retry?: RetryOptions;
  /** Time limit of one HTTP attempt, in milliseconds; 30 s when not set. */
  timeoutMs?: number;
  /** Wait between polls of a version in PENDING_REGISTRATION, in milliseconds; 3 s as in MLflow's model registry store. */
  pollIntervalMs?: number;
  /** Maximum wait for a version to leave PENDING_REGISTRATION, in milliseconds; 5 min as MLflow's `register_model` waits by default. */
  maxRegistrationWaitMs?: number;
  /** Versions per model-versions/search page; 1,000 when not set. */
  searchPageSize?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** Builds the MLflow registry, registering the token with `setSecret` before any request is sent. */
export function createMlflowRegistry(config: MlflowRegistryConfig, deps: MlflowRegistryDeps): MlflowRegistry {
  for (const value of config.authorization.valuesToMask()) {
    deps.setSecret(value);
  }
  const http = new HttpClient({
    fetch: deps.fetch,
    retry: deps.retry ?? DEFAULT_RETRY_OPTIONS,
    timeoutMs: deps.timeoutMs ?? 30_000,
    authorization: async () => config.authorization.reveal(),
    sleep: deps.sleep,
    now: deps.now,
  });
  return new MlflowRegistry(config, new MlflowClient(config.trackingUrl, http), deps);
}

/** Characters that MLflow search filters such as `name='<target>'` cannot quote. */
const UNQUOTABLE_NAME = /['\\]/;

/**
 * Promotes into an MLflow Model Registry (open-source MLflow, the Databricks workspace registry,
 * Azure ML's MLflow endpoint). Unity Catalog models live under other endpoints
 * (`/api/2.0/mlflow/unity-catalog/…`) and are not supported. `copy` does what MLflow's `copy_model_version` does: create the target registered
 * model if missing, then a version whose source is `models:/<name>/<version>`. `alias` points an
 * alias of the source model at the version. The adapter keeps no per-call state, so models may
 * be promoted concurrently.
 */
export class MlflowRegistry implements ModelRegistry {
  readonly type = 'mlflow' as const;
  readonly target: string;
  private readonly config: MlflowRegistryConfig;
  private readonly client: MlflowClient;
  private readonly pollIntervalMs: number;
  private readonly maxRegistrationWaitMs: number;
  private readonly searchPageSize: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(config: MlflowRegistryConfig, client: MlflowClient, deps: Pick<MlflowRegistryDeps, 'pollIntervalMs' | 'maxRegistrationWaitMs' | 'searchPageSize' | 'sleep' | 'now'> = {}) {
    this.config = config;
    this.client = client;
    this.pollIntervalMs = deps.pollIntervalMs ?? 3_000;
    this.maxRegistrationWaitMs = deps.maxRegistrationWaitMs ?? 5 * 60_000;
    this.searchPageSize = deps.searchPageSize ?? DEFAULT_SEARCH_PAGE_SIZE;
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = deps.now ?? Date.now;
    this.target = describeTarget(config);
  }

  /**
   * Returns a problem for every model whose target model name contains a single quote or a
   * backslash, so the run fails before its first request instead of failing those models one by
   * one. `alias` mode never searches by target name, so it has no such problem.
   */
  checkModels(models: readonly RegisteredModel[]): Problem[] {
    if (this.config.mode === 'alias') {
      return [];
    }
    return models
      .map((model) => ({ model, name: targetModelNameFor(this.config.targetModelName, model) }))
      .filter(({ name }) => UNQUOTABLE_NAME.test(name))
      .map(({ model, name }) => ({
        source: 'models of the run',
        location: approvalKey(model),
        message: 'Has a target model name with a single quote or a backslash, which MLflow search filters cannot quote',
        value: quote(name),
        allowed: 'model names and an mlflowTargetModelName without \' or \\',
      }));
  }

  async lookup(model: RegisteredModel, context: RegistryCallContext): Promise<RegistryLookup> {
    const call = callOptions(context);
    if (this.config.mode === 'alias') {
      const current = await this.aliasedVersion(model.modelName, call);
      return { exists: aliasCovers(current, model.version, model), url: this.versionUrl(model.modelName, model.version) };
    }

    const targetName = this.targetName(model);
    const copy = await this.findCopy(targetName, sourceUri(model), call);
    if (copy === undefined) {
      return { exists: false };
    }
    const url = this.versionUrl(targetName, copy.version);
    if (this.config.mode === 'copy') {
      return { exists: true, url };
    }
    // A copy whose alias was never set (a run that failed in between) is promoted again to set it.
    const current = await this.aliasedVersion(targetName, call);
    return { exists: aliasCovers(current, copy.version, model), url };
  }

  async promote(model: RegisteredModel, context: RegistryCallContext): Promise<PromotionOutcome> {
    const attempts = { count: 0 };
    const call = callOptions(context, attempts);
    const source = await this.readySource(model, call);

    if (this.config.mode === 'alias') {
      const changed = await this.pointAlias(model.modelName, model.version, model, call);
      if (changed) {
        await this.tagVersion(model.modelName, model.version, promotionTags(model, context), call);
      }
      return { status: changed ? 'promoted' : 'already_promoted', url: this.versionUrl(model.modelName, model.version), attempts: attempts.count };
    }

    const targetName = this.targetName(model);
    const { version: copy, created } = await this.copyVersion(model, source, targetName, context, call);
    let aliasChanged = false;
    if (this.config.mode === 'copyAndAlias') {
      aliasChanged = await this.pointAlias(targetName, copy.version, model, call);
    }
    const status = created || aliasChanged ? 'promoted' : 'already_promoted';
    return { status, url: this.versionUrl(targetName, copy.version), attempts: attempts.count };
  }

  /** Reads the source version and checks that it is READY, so a copy never points at a broken version. */
  private async readySource(model: RegisteredModel, call: MlflowCallOptions): Promise<MlflowModelVersion> {
    let source: MlflowModelVersion;
    try {
      source = await this.client.getModelVersion(model.modelName, model.version, call);
    } catch (error) {
      if (error instanceof MlflowError && error.notFound) {
        throw new MlflowError(
          `Source model version ${quote(model.modelName)} version ${quote(model.version)} was not found on the MLflow server. Register it there first, or check registered_models.json`,
          { status: error.status, errorCode: error.errorCode, code: 'MLFLOW_SOURCE_NOT_FOUND', cause: error },
        );
      }
      throw error;
    }
    if (source.status !== undefined && source.status !== 'READY') {
      throw new MlflowError(
        `Source model version ${quote(model.modelName)} version ${quote(model.version)} is ${source.status}, not READY${statusDetail(source)}. Only a READY version can be promoted`,
        { code: 'MLFLOW_SOURCE_NOT_READY' },
      );
    }
    call.log?.(`Source ${sourceUri(model)} is READY.`);
    return source;
  }

  /** Finds or creates the copy of the source version in the target model and waits until it is READY. */
  private async copyVersion(
    model: RegisteredModel,
    source: MlflowModelVersion,
    targetName: string,
    context: RegistryCallContext,
    call: MlflowCallOptions,
  ): Promise<{ version: MlflowModelVersion; created: boolean }> {
    const uri = sourceUri(model);
    const existing = await this.findCopy(targetName, uri, call);
    if (existing !== undefined) {
      call.log?.(`${quote(targetName)} already holds ${uri} as version ${existing.version}.`);
      return { version: await this.awaitReady(existing, call), created: false };
    }

    await this.ensureRegisteredModel(targetName, call);
    const request: CreateModelVersionRequest = {
      name: targetName,
      source: uri,
      run_id: source.run_id || undefined,
      description: source.description || undefined,
      tags: mergeTags(source.tags ?? [], promotionTags(model, context)),
    };
    const created = await this.createVersionOnce(request, call);
    return { version: await this.awaitReady(created, call), created: true };
  }

  /**
   * Creates the version without creating it twice. The HTTP client does not repeat the create
   * call after a 500, a reset or a timeout, because the server may have applied it. So this loop
   * searches for the version first and creates it again only when it is not there.
   */
  private async createVersionOnce(request: CreateModelVersionRequest, call: MlflowCallOptions): Promise<MlflowModelVersion> {
    for (let createCall = 1; ; createCall += 1) {
      try {
        const created = await this.client.createModelVersion(request, call);
        call.log?.(`Created version ${created.version} of ${quote(request.name)} from ${request.source}.`);
        return created;
      } catch (error) {
        if (!(error instanceof RegistryError) || !error.retryable || createCall >= MAX_CREATE_CALLS) {
          throw error;
        }
        call.log?.(`Creating the version failed (${error.message}); checking whether the server created it.`);
        const found = await this.findCopy(request.name, request.source, call);
        if (found !== undefined) {
          call.log?.(`The server had created version ${found.version}.`);
          return found;
        }
        await this.sleep(this.pollIntervalMs, call.signal);
      }
    }
  }

  private async ensureRegisteredModel(name: string, call: MlflowCallOptions): Promise<void> {
    try {
      await this.client.createRegisteredModel(name, [{ key: 'promoted_by', value: PROMOTED_BY }], call);
      call.log?.(`Created registered model ${quote(name)}.`);
    } catch (error) {
      // Another promotion, or an earlier attempt of this one, created it first.
      if (error instanceof MlflowError && error.alreadyExists) {
        return;
      }
      throw error;
    }
  }

  /** Polls a version while it is PENDING_REGISTRATION, bounded by `maxRegistrationWaitMs`. */
  private async awaitReady(version: MlflowModelVersion, call: MlflowCallOptions): Promise<MlflowModelVersion> {
    const started = this.now();
    let current = version;
    while (current.status === 'PENDING_REGISTRATION') {
      if (this.now() - started + this.pollIntervalMs > this.maxRegistrationWaitMs) {
        throw new MlflowError(
          `Version ${current.version} of ${quote(current.name)} was still PENDING_REGISTRATION after ${this.maxRegistrationWaitMs} ms${statusDetail(current)}. Check it on the MLflow server, then run the task again`,
          { code: 'MLFLOW_REGISTRATION_TIMEOUT', retryable: true },
        );
      }
      call.log?.(`Version ${current.version} of ${quote(current.name)} is PENDING_REGISTRATION; checking again in ${this.pollIntervalMs} ms.`);
      await this.sleep(this.pollIntervalMs, call.signal);
      current = await this.client.getModelVersion(current.name, current.version, call);
    }
    if (current.status === 'FAILED_REGISTRATION') {
      throw new MlflowError(`Version ${current.version} of ${quote(current.name)} ended in FAILED_REGISTRATION${statusDetail(current)}`, {
        code: 'MLFLOW_REGISTRATION_FAILED',
      });
    }
    return current;
  }

  /**
   * Points the alias of `modelName` at `version` unless it already points there or at a newer
   * version of the same source model, so that a late re-run of an older model never moves the
   * alias backwards. Returns whether the alias changed.
   */
  private async pointAlias(modelName: string, version: string, source: RegisteredModel, call: MlflowCallOptions): Promise<boolean> {
    const alias = this.requireAlias();
    const current = await this.aliasedVersion(modelName, call);
    if (aliasCovers(current, version, source)) {
      call.log?.(`Alias ${quote(alias)} of ${quote(modelName)} already points at version ${current?.version ?? ''}; left unchanged.`);
      return false;
    }
    await this.client.setRegisteredModelAlias(modelName, alias, version, call);
    call.log?.(`Alias ${quote(alias)} of ${quote(modelName)} now points at version ${version}${current === undefined ? '' : ` (was ${current.version})`}.`);
    return true;
  }

  private async aliasedVersion(modelName: string, call: MlflowCallOptions): Promise<MlflowModelVersion | undefined> {
    try {
      return await this.client.getModelVersionByAlias(modelName, this.requireAlias(), call);
    } catch (error) {
      if (error instanceof MlflowError && error.notFound) {
        return undefined;
      }
      throw error;
    }
  }

  /** Searches the target model, page by page, for a version whose source is `uri`. */
  private async findCopy(targetName: string, uri: string, call: MlflowCallOptions): Promise<MlflowModelVersion | undefined> {
    const filter = `name='${targetName}'`;
    const seenTokens = new Set<string>();
    let pageToken: string | undefined;
    for (let page = 1; page <= MAX_SEARCH_PAGES; page += 1) {
      const result = await this.client.searchModelVersions(filter, pageToken, this.searchPageSize, call);
      const match = result.modelVersions.find((version) => version.name === targetName && version.source === uri && version.status !== 'FAILED_REGISTRATION');
      if (match !== undefined || result.nextPageToken === undefined) {
        return match;
      }
      if (seenTokens.has(result.nextPageToken)) {
        throw new MlflowError(`MLflow model-versions/search returned the same page token twice for ${quote(targetName)}; the server's paging is broken`, {
          code: 'INVALID_RESPONSE',
        });
      }
      seenTokens.add(result.nextPageToken);
      pageToken = result.nextPageToken;
    }
    throw new MlflowError(`MLflow model-versions/search for ${quote(targetName)} returned more than ${MAX_SEARCH_PAGES} pages`, { code: 'INVALID_RESPONSE' });
  }

  private async tagVersion(name: string, version: string, tags: MlflowTag[], call: MlflowCallOptions): Promise<void> {
    for (const tag of tags) {
      await this.client.setModelVersionTag(name, version, tag, call);
    }
  }

  private targetName(model: RegisteredModel): string {
    const name = targetModelNameFor(this.config.targetModelName, model);
    if (UNQUOTABLE_NAME.test(name)) {
      throw new MlflowError(`Target model name ${quote(name)} contains a single quote or a backslash, which MLflow search filters cannot quote. Rename the model`, {
        code: 'MLFLOW_INVALID_NAME',
      });
    }
    return name;
  }

  private requireAlias(): string {
    if (this.config.alias === undefined) {
      throw new RegistryError(`MLflow promotion mode ${this.config.mode} needs an alias, but none is configured`, { code: 'MLFLOW_NO_ALIAS' });
    }
    return this.config.alias;
  }

  // NOTE: this is the open-source MLflow UI route; Databricks shows the same version under
  // `#mlflow/models/<name>/versions/<version>`, so on Databricks the link opens the home page.
  private versionUrl(name: string, version: string): string {
    return `${this.config.trackingUrl}/#/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`;
  }
}

function callOptions(context: RegistryCallContext, attempts?: { count: number }): MlflowCallOptions {
  return { log: (line) => context.log(line), signal: context.signal, attempts };
}

function sourceUri(model: RegisteredModel): string {
  return `models:/${model.modelName}/${model.version}`;
}

/**
 * True when the alias points at `version`, or at a newer one. When the aliased version is a copy
 * of the same source model, newer means a higher source version; otherwise a higher `version`.
 */
function aliasCovers(current: MlflowModelVersion | undefined, version: string, source: RegisteredModel): boolean {
  if (current === undefined) {
    return false;
  }
  if (current.version === version) {
    return true;
  }
  const copied = /^models:\/(.+)\/([^/]+)$/.exec(current.source ?? '');
  if (copied !== null && copied[1] === source.modelName) {
    return isNewer(copied[2] ?? '', source.version);
  }
  return isNewer(current.version, version);
}

function isNewer(candidate: string, than: string): boolean {
  return /^\d+$/.test(candidate) && /^\d+$/.test(than) && Number(candidate) > Number(than);
}

function promotionTags(model: RegisteredModel, context: RegistryCallContext): MlflowTag[] {
  const tags: MlflowTag[] = [
    { key: 'plant_id', value: model.plantId },
    { key: 'approval_key', value: approvalKey(model) },
    { key: 'promoted_by', value: PROMOTED_BY },
  ];
  const approval = context.approval;
  if (approval !== undefined) {
    tags.push({ key: 'approval_rule', value: approval.rule });
    if (approval.approvedBy.length > 0) {
      tags.push({ key: 'approved_by', value: approval.approvedBy.join(', ').slice(0, MAX_TAG_VALUE_LENGTH) });
    }
    if (approval.approvalFileSha256 !== undefined) {
      tags.push({ key: 'approval_file_sha256', value: approval.approvalFileSha256 });
    }
  }
  return tags;
}

/** Source tags first, then the promotion tags, which replace source tags of the same key. */
function mergeTags(sourceTags: MlflowTag[], promotion: MlflowTag[]): MlflowTag[] {
  const keys = new Set(promotion.map((tag) => tag.key));
  return [...sourceTags.filter((tag) => typeof tag.key === 'string' && typeof tag.value === 'string' && !keys.has(tag.key)), ...promotion];
}

function statusDetail(version: MlflowModelVersion): string {
  return version.status_message ? `: ${quote(version.status_message, 300)}` : '';
}

function describeTarget(config: MlflowRegistryConfig): string {
  const server = new URL(config.trackingUrl);
  const where = `MLflow at ${server.host}${server.pathname === '/' ? '' : server.pathname}`;
  switch (config.mode) {
    case 'copy':
      return `${where}, copied into ${config.targetModelName}`;
    case 'alias':
      return `${where}, alias ${config.alias ?? ''}`;
    case 'copyAndAlias':
      return `${where}, copied into ${config.targetModelName} with alias ${config.alias ?? ''}`;
  }
}
