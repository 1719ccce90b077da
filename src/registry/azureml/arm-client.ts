import { HttpClient, redactUrl, type HttpClientOptions, type HttpRequest, type HttpResponse } from '../../http/http-client';
import { parseRetryAfter } from '../../http/retry-policy';
import { neutralizeInline, quote } from '../../text/neutralize';
import { AzureMlError, armResponseError } from './azureml-error';
import { sleep as defaultSleep } from '../../http/sleep';

/** Stable ARM api-version of every control-plane call; the saved specification is of this version. */
export const ARM_API_VERSION = '2024-04-01';
/** api-version of the registry data-plane import, the call behind `az ml model share`. */
export const DATA_PLANE_API_VERSION = '2021-10-01-dataplanepreview';

/** A workspace, addressed the ARM way. */
export interface WorkspaceScope {
  subscriptionId: string;
  resourceGroup: string;
  workspaceName: string;
}

/** A registry, addressed the ARM way; it may live in another resource group or subscription than the workspace. */
export interface RegistryScope {
  subscriptionId: string;
  resourceGroup: string;
  registryName: string;
}

/** The parts of a `ModelVersionResource` the task reads. */
export interface ArmModelVersion {
  id?: string;
  name?: string;
  properties: {
    tags?: Record<string, string | null> | null;
    properties?: Record<string, string | null> | null;
    modelUri?: string | null;
    provisioningState?: string;
    stage?: string | null;
  };
}

export interface ArmWorkspace {
  location: string;
  /** The workspace GUID, which data-plane asset IDs use in place of the name. */
  workspaceId: string;
}

/** The registry discovery document: where the registry's regional data plane is. */
export interface RegistryDiscovery {
  primaryRegionResourceProviderUri: string;
  subscriptionId: string;
  resourceGroup: string;
}

/** A model version listed from the workspace. */
export interface WorkspaceModelVersion {
  name: string;
  version: string;
  tags: Record<string, string>;
}

export interface ArmClientOptions {
  /** ARM base URL of the service connection's cloud, such as `https://management.azure.com/`. */
  armUrl: string;
  /** Options of every HTTP client the ARM client creates; `log` is replaced per call. */
  http: Omit<HttpClientOptions, 'log'>;
  /** Poll delay when a long-running operation sends no `Retry-After`, in milliseconds. */
  defaultPollDelayMs: number;
  /** Maximum time spent polling one long-running operation, in milliseconds. */
  maxPollMs: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
}

/** Per-call options: where attempt lines go, and cancellation. */
export interface CallOptions {
  log?: (line: string) => void;
  signal?: AbortSignal;
  /** Receives the number of HTTP attempts of each request that got a response, retries included. */
  countAttempts?: (attempts: number) => void;
}

export type LongRunningResult = 'completed' | 'conflict';

const PROVIDER = 'providers/Microsoft.MachineLearningServices';
/** Upper bound of pages read from one list, so a server that always sends `nextLink` cannot loop forever. */
const MAX_PAGES = 1_000;

/**
 * A small typed client for the Azure Machine Learning operations the task needs. The npm
 * `@azure/arm-machinelearning` available to this project (2.1.1) has no registry or publish
 * operations, so the calls are written by hand from the `2024-04-01` REST specification.
 * Every request goes through `HttpClient`, which retries throttling and server errors.
 */
export class ArmClient {
  private readonly options: ArmClientOptions;
  private readonly armOrigin: string;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  constructor(options: ArmClientOptions) {
    this.options = options;
    this.armOrigin = new URL(options.armUrl).origin;
    this.sleep = options.sleep ?? options.http.sleep ?? defaultSleep;
    this.now = options.now ?? Date.now;
  }

  /** `RegistryModelVersions_Get`; returns undefined on 404. */
  async getRegistryModelVersion(registry: RegistryScope, modelName: string, version: string, call: CallOptions = {}): Promise<ArmModelVersion | undefined> {
    const url = this.armUrl(`${registryPath(registry)}/models/${segment(modelName)}/versions/${segment(version)}`);
    return await this.getOptional(url, `Reading ${modelName}:${version} from registry ${registry.registryName}`, call);
  }

  /** `ModelVersions_Get` in the workspace; returns undefined on 404. */
  async getWorkspaceModelVersion(workspace: WorkspaceScope, modelName: string, version: string, call: CallOptions = {}): Promise<ArmModelVersion | undefined> {
    const url = this.armUrl(`${workspacePath(workspace)}/models/${segment(modelName)}/versions/${segment(version)}`);
    return await this.getOptional(url, `Reading ${modelName}:${version} from workspace ${workspace.workspaceName}`, call);
  }

  /** `Workspaces_Get`, for the location and GUID that data-plane asset IDs need. */
  async getWorkspace(workspace: WorkspaceScope, call: CallOptions = {}): Promise<ArmWorkspace> {
    const operation = `Reading workspace ${workspace.workspaceName}`;
    const response = await this.send(call, { method: 'GET', url: this.armUrl(workspacePath(workspace)), signal: call.signal });
    if (response.status !== 200) {
      throw armResponseError(operation, response);
    }
    const body = response.json<{ location?: unknown; properties?: { workspaceId?: unknown } }>();
    if (typeof body.location !== 'string' || typeof body.properties?.workspaceId !== 'string') {
      throw invalidResponse(operation, response, 'location and properties.workspaceId');
    }
    return { location: body.location, workspaceId: body.properties.workspaceId };
  }

  /**
   * `ModelVersions_Publish`: copies a workspace model version into a registry. The service
   * returns 200, or 202 with a `Location` to poll, and 409 when the destination already exists.
   */
  async publishModelVersion(
    workspace: WorkspaceScope,
    modelName: string,
    version: string,
    destination: { registryName: string; destinationName: string; destinationVersion: string },
    call: CallOptions = {},
  ): Promise<LongRunningResult> {
    const operation = `Publishing ${modelName}:${version} to registry ${destination.registryName}`;
    const url = this.armUrl(`${workspacePath(workspace)}/models/${segment(modelName)}/versions/${segment(version)}/publish`);
    // Retried like a read: publishing the same source version to the same destination again
    // copies the same files, and the registry check before it keeps other versions safe.
    const response = await this.send(call, { method: 'POST', url, json: destination, signal: call.signal, idempotent: true });
    return await this.finishLongRunning(operation, response, this.armOrigin, call);
  }

  /** Reads the registry discovery document from the cloud's discovery endpoint. */
  async discoverRegistry(discoveryUrl: string, registryName: string, call: CallOptions = {}): Promise<RegistryDiscovery> {
    const operation = `Discovering registry ${registryName}`;
    const url = `${trimSlash(discoveryUrl)}/registrymanagement/v1.0/registries/${segment(registryName)}/discovery`;
    const response = await this.send(call, { method: 'GET', url, signal: call.signal });
    if (response.status !== 200) {
      throw armResponseError(operation, response);
    }
    const body = response.json<Partial<Record<keyof RegistryDiscovery, unknown>>>();
    const { primaryRegionResourceProviderUri, subscriptionId, resourceGroup } = body;
    if (typeof primaryRegionResourceProviderUri !== 'string' || typeof subscriptionId !== 'string' || typeof resourceGroup !== 'string') {
      throw invalidResponse(operation, response, 'primaryRegionResourceProviderUri, subscriptionId and resourceGroup');
    }
    if (!isHttpsUrl(primaryRegionResourceProviderUri)) {
      throw invalidResponse(operation, response, 'an https primaryRegionResourceProviderUri');
    }
    return { primaryRegionResourceProviderUri, subscriptionId, resourceGroup };
  }

  /**
   * The registry data-plane import: copies the asset `sourceAssetId` into the registry. The
   * service documents that an existing destination is overwritten, so callers check first.
   */
  async importModelVersion(
    discovery: RegistryDiscovery,
    registryName: string,
    body: { sourceAssetId: string; destinationName: string; destinationVersion: string },
    call: CallOptions = {},
  ): Promise<LongRunningResult> {
    const operation = `Importing ${body.destinationName}:${body.destinationVersion} into registry ${registryName}`;
    const base = `${trimSlash(discovery.primaryRegionResourceProviderUri)}/mferp/managementfrontend`;
    const path = `/subscriptions/${segment(discovery.subscriptionId)}/resourceGroups/${segment(discovery.resourceGroup)}/${PROVIDER}/registries/${segment(registryName)}/import`;
    const url = `${base}${path}?api-version=${DATA_PLANE_API_VERSION}`;
    const response = await this.send(call, { method: 'POST', url, json: { properties: body }, signal: call.signal, idempotent: true });
    return await this.finishLongRunning(operation, response, new URL(base).origin, call);
  }

  /**
   * Lists the workspace's model versions whose tags match `tags` (`ModelContainers_List`, then
   * `ModelVersions_List` per container), following `nextLink` on every page.
   * `tags` uses the service's filter syntax: `name` or `name=value`, comma-separated.
   */
  async listWorkspaceModelVersions(workspace: WorkspaceScope, tags: string, call: CallOptions = {}): Promise<WorkspaceModelVersion[]> {
    const containers = await this.listPages<{ name?: unknown }>(this.armUrl(`${workspacePath(workspace)}/models`), `Listing models of workspace ${workspace.workspaceName}`, call);
    const versions: WorkspaceModelVersion[] = [];
    // NOTE: the stable API has no cross-model search, so each model name costs one request (more
    // with paging), sent one after another. A workspace with hundreds of names lists slowly.
    for (const container of containers) {
      if (typeof container.name !== 'string') {
        continue;
      }
      const url = this.armUrl(`${workspacePath(workspace)}/models/${segment(container.name)}/versions`, { tags });
      const page = await this.listPages<ArmModelVersion>(url, `Listing versions of ${container.name}`, call);
      for (const item of page) {
        if (typeof item.name === 'string') {
          versions.push({ name: container.name, version: item.name, tags: stringTags(item.properties?.tags) });
        }
      }
    }
    return versions;
  }

  private async listPages<T>(firstUrl: string, operation: string, call: CallOptions): Promise<T[]> {
    const items: T[] = [];
    let url: string | undefined = firstUrl;
    for (let page = 1; url !== undefined; page += 1) {
      if (page > MAX_PAGES) {
        throw new AzureMlError(`${operation} stopped after ${MAX_PAGES} pages; the service kept sending nextLink`, { code: 'AZUREML_TOO_MANY_PAGES' });
      }
      const response = await this.send(call, { method: 'GET', url, signal: call.signal });
      if (response.status !== 200) {
        throw armResponseError(operation, response);
      }
      const body = response.json<{ value?: unknown; nextLink?: unknown }>();
      if (!Array.isArray(body.value)) {
        throw invalidResponse(operation, response, 'a value array');
      }
      items.push(...(body.value as T[]));
      url = typeof body.nextLink === 'string' && body.nextLink ? this.sameOrigin(body.nextLink, this.armOrigin, operation, 'nextLink') : undefined;
    }
    return items;
  }

  private async getOptional(url: string, operation: string, call: CallOptions): Promise<ArmModelVersion | undefined> {
    const response = await this.send(call, { method: 'GET', url, signal: call.signal });
    if (response.status === 404) {
      return undefined;
    }
    if (response.status !== 200) {
      throw armResponseError(operation, response);
    }
    const body = response.json<ArmModelVersion>();
    if (typeof body !== 'object' || body === null || typeof body.properties !== 'object' || body.properties === null) {
      throw invalidResponse(operation, response, 'a ModelVersionResource with properties');
    }
    return body;
  }

  /** Follows an ARM long-running operation that reports progress through `Location` (202 while running, 200 or 204 when done). */
  private async finishLongRunning(operation: string, first: HttpResponse, origin: string, call: CallOptions): Promise<LongRunningResult> {
    if (first.status === 409) {
      return 'conflict';
    }
    if (first.status === 200 || first.status === 201 || first.status === 204) {
      return 'completed';
    }
    if (first.status !== 202) {
      throw armResponseError(operation, first);
    }

    const location = first.headers.get('location');
    if (!location) {
      throw invalidResponse(operation, first, 'a Location header on HTTP 202');
    }
    const pollUrl = this.sameOrigin(location, origin, operation, 'Location');
    const started = this.now();
    let delayMs = this.pollDelay(first);
    for (let poll = 1; ; poll += 1) {
      if (this.now() - started + delayMs > this.options.maxPollMs) {
        throw new AzureMlError(
          `${operation} did not finish within ${this.options.maxPollMs} ms of polling ${redactUrl(pollUrl)}; it may still complete, and the next run finds the version in the registry and skips it`,
          { code: 'AZUREML_OPERATION_TIMEOUT', retryable: false },
        );
      }
      call.log?.(`${operation}: still running, polling again in ${delayMs} ms (poll ${poll})`);
      await this.sleep(delayMs, call.signal);
      const response = await this.send(call, { method: 'GET', url: pollUrl, signal: call.signal });
      if (response.status === 200 || response.status === 204) {
        return 'completed';
      }
      if (response.status === 409) {
        return 'conflict';
      }
      if (response.status !== 202) {
        throw armResponseError(operation, response);
      }
      delayMs = this.pollDelay(response);
    }
  }

  private pollDelay(response: HttpResponse): number {
    return parseRetryAfter(response.headers.get('retry-after'), this.now()) ?? this.options.defaultPollDelayMs;
  }

  /**
   * Accepts a server-provided URL only on the origin the request went to, because the
   * client sends the bearer token with every request and must not hand it to another host.
   */
  private sameOrigin(link: string, origin: string, operation: string, header: string): string {
    let parsed: URL;
    try {
      parsed = new URL(link, origin);
    } catch (error) {
      throw new AzureMlError(`${operation}: the ${header} URL ${quote(link)} is not a valid URL`, { code: 'AZUREML_INVALID_RESPONSE', cause: error });
    }
    if (parsed.origin !== origin) {
      throw new AzureMlError(
        `${operation}: the ${header} URL points to ${quote(parsed.origin)}, not to ${quote(origin)}; the task does not send its token to another host`,
        { code: 'AZUREML_INVALID_RESPONSE' },
      );
    }
    return parsed.toString();
  }

  private armUrl(path: string, query: Record<string, string> = {}): string {
    const search = new URLSearchParams({ ...query, 'api-version': ARM_API_VERSION });
    return `${trimSlash(this.options.armUrl)}${path}?${search.toString()}`;
  }

  private async send(call: CallOptions, request: HttpRequest): Promise<HttpResponse> {
    const response = await new HttpClient({ ...this.options.http, log: call.log }).send(request);
    call.countAttempts?.(response.attempts);
    return response;
  }
}

function workspacePath(workspace: WorkspaceScope): string {
  return `/subscriptions/${segment(workspace.subscriptionId)}/resourceGroups/${segment(workspace.resourceGroup)}/${PROVIDER}/workspaces/${segment(workspace.workspaceName)}`;
}

/** ARM resource ID of a registry; also the path of its control-plane URLs. */
export function registryPath(registry: RegistryScope): string {
  return `/subscriptions/${segment(registry.subscriptionId)}/resourceGroups/${segment(registry.resourceGroup)}/${PROVIDER}/registries/${segment(registry.registryName)}`;
}

function segment(value: string): string {
  return encodeURIComponent(value);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}

function stringTags(tags: Record<string, string | null> | null | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(tags ?? {})) {
    if (typeof value === 'string') {
      result[key] = value;
    }
  }
  return result;
}

function invalidResponse(operation: string, response: HttpResponse, expected: string): AzureMlError {
  const requestId = response.headers.get('x-ms-request-id') ?? undefined;
  return new AzureMlError(`${operation}: HTTP ${response.status} response lacks ${expected}${requestId ? ` (x-ms-request-id ${neutralizeInline(requestId, 80)})` : ''}`, {
    status: response.status,
    requestId,
    code: 'AZUREML_INVALID_RESPONSE',
  });
}

