import * as crypto from 'node:crypto';
import * as https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { OpenApiValidator } from './openapi-validator';
import type { TestCertificates } from './test-certificates';

/**
 * A local stand-in for the Azure services the azureml registry talks to, on one HTTPS port
 * of 127.0.0.1:
 * - Azure Resource Manager for the Azure Machine Learning operations the client calls. Every
 *   request is checked against the saved OpenAPI specification and every JSON response body
 *   against the response schema. Mismatches are added to `violations`.
 * - A Microsoft Entra ID (AAD v2) authority: the OpenID configuration document and the token
 *   endpoint, which checks client secrets, signed certificate assertions and federated
 *   assertions the way the real one does.
 * - The Azure DevOps OIDC token endpoint used by workload identity federation.
 * - The Azure ML registry discovery service and the registry data-plane import.
 */

export interface FakePrincipal {
  clientId: string;
  secret?: string;
  /** PEM certificate whose private key signs the principal's client assertions. */
  certificatePem?: string;
  /** When true, the principal accepts OIDC tokens issued by the fake Azure DevOps endpoint. */
  federated?: boolean;
}

export interface FakeAzureOptions {
  certificates: TestCertificates;
  validator: OpenApiValidator;
  tenantId: string;
  principals: FakePrincipal[];
  /** The job access token the Azure DevOps OIDC endpoint accepts, and the service connection it issues tokens for. */
  ado?: { accessToken: string; serviceConnectionId: string };
  /**
   * The App Service managed identity endpoint (`IDENTITY_ENDPOINT` at `/msi/token`), which MSAL
   * uses when IDENTITY_ENDPOINT and IDENTITY_HEADER are set: the header value it checks and the
   * client ID of the user-assigned identity.
   */
  managedIdentity?: { identityHeader: string; clientId: string };
  /** `Retry-After` of long-running operations, in seconds. */
  retryAfterSeconds?: number;
  /** Number of polls that still return 202 before a publish or import completes. */
  pollsBeforeDone?: number;
  /** Items per page of list operations. */
  pageSize?: number;
}

export interface Fault {
  method?: string;
  /** The fault applies to requests whose path contains this text. */
  pathIncludes: string;
  /** Status of the ARM error response; ignored when `reset` destroys the connection instead. */
  status?: number;
  reset?: boolean;
  retryAfter?: string;
  /** `error.message` of the error response; a default text when unset. */
  message?: string;
  /** How many matching requests get the fault; Infinity for all. */
  times: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  operationId?: string;
  authorization?: string;
  body?: unknown;
}

interface WorkspaceModel {
  tags: Record<string, string>;
}

interface PendingOperation {
  pollsLeft: number;
  complete: () => void;
}

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export class FakeAzure {
  url = '';
  readonly requests: RecordedRequest[] = [];
  readonly violations: string[] = [];
  readonly issuedAccessTokens: string[] = [];
  readonly issuedOidcTokens: string[] = [];
  /** OIDC tokens the token endpoint accepted as client assertions, in order. */
  readonly federatedAssertions: string[] = [];
  readonly tokenRequests: Array<{ clientId: string; scope: string; method: 'secret' | 'certificate' | 'federated' | 'managedIdentity' }> = [];
  /** Registry versions, keyed `<sub>/<rg>/<registry>/<model>/<version>` (lower-cased registry path). */
  readonly registryVersions = new Map<string, { createdBy: 'seed' | 'publish' | 'import' }>();
  readonly workspaces = new Map<string, { location: string; workspaceId: string; models: Map<string, WorkspaceModel> }>();
  readonly registries = new Set<string>();
  /** Models whose publish finds a version that someone else added meanwhile (HTTP 409). */
  readonly raceOnPublish = new Set<string>();

  private readonly options: FakeAzureOptions;
  private readonly faults: Fault[] = [];
  private readonly operations = new Map<string, PendingOperation>();
  private server?: https.Server;

  constructor(options: FakeAzureOptions) {
    this.options = options;
  }

  async start(): Promise<void> {
    const { serverKeyPem, serverCertPem } = this.options.certificates;
    this.server = https.createServer({ key: serverKeyPem, cert: serverCertPem }, (request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.violations.push(`server error: ${error instanceof Error ? error.stack : String(error)}`);
        if (!response.headersSent) {
          response.writeHead(500).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `https://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  addWorkspace(subscriptionId: string, resourceGroup: string, workspaceName: string, location = 'westeurope'): void {
    this.workspaces.set(workspaceKey(subscriptionId, resourceGroup, workspaceName), { location, workspaceId: crypto.randomUUID(), models: new Map() });
  }

  addWorkspaceModel(subscriptionId: string, resourceGroup: string, workspaceName: string, name: string, version: string, tags: Record<string, string> = {}): void {
    const workspace = this.workspaces.get(workspaceKey(subscriptionId, resourceGroup, workspaceName));
    if (!workspace) {
      throw new Error(`add workspace ${workspaceName} first`);
    }
    workspace.models.set(`${name}/${version}`, { tags });
  }

  addRegistry(subscriptionId: string, resourceGroup: string, registryName: string): void {
    this.registries.add(registryKey(subscriptionId, resourceGroup, registryName));
  }

  addRegistryVersion(subscriptionId: string, resourceGroup: string, registryName: string, name: string, version: string): void {
    this.registryVersions.set(`${registryKey(subscriptionId, resourceGroup, registryName)}/${name}/${version}`, { createdBy: 'seed' });
  }

  hasRegistryVersion(subscriptionId: string, resourceGroup: string, registryName: string, name: string, version: string): boolean {
    return this.registryVersions.has(`${registryKey(subscriptionId, resourceGroup, registryName)}/${name}/${version}`);
  }

  /** Issues an access token without a sign-in, for tests that are not about sign-in. */
  issueAccessToken(): string {
    const accessToken = `fake-arm-token-${crypto.randomBytes(16).toString('hex')}`;
    this.issuedAccessTokens.push(accessToken);
    return accessToken;
  }

  addFault(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.url);
    const raw = await readBody(request);
    const method = request.method ?? 'GET';
    const recorded: RecordedRequest = { method, path: url.pathname + url.search, authorization: request.headers.authorization };
    this.requests.push(recorded);

    const tokenMatch = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(url.pathname);
    if (tokenMatch && method === 'POST') {
      return this.token(tokenMatch[1] ?? '', raw, response);
    }
    const configMatch = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(url.pathname);
    if (configMatch && method === 'GET') {
      return this.openIdConfiguration(configMatch[1] ?? '', response);
    }
    if (url.pathname.startsWith('/ado/') && url.pathname.endsWith('/oidctoken')) {
      return this.oidcToken(url, request, response);
    }
    if (url.pathname === '/msi/token' && method === 'GET') {
      return this.managedIdentityToken(url, request, response);
    }

    if (!this.authorized(request)) {
      return sendJson(response, 401, armError('InvalidAuthenticationToken', 'The access token is missing or was not issued by this authority.'));
    }
    if (this.applyFault(method, url, response)) {
      return;
    }

    const body = raw ? parseJson(raw) : undefined;
    recorded.body = body;
    if (url.pathname.startsWith('/operations/')) {
      return this.poll(url, response);
    }
    const discoveryMatch = /^\/registrymanagement\/v1\.0\/registries\/([^/]+)\/discovery$/.exec(url.pathname);
    if (discoveryMatch && method === 'GET') {
      return this.discovery(decodeURIComponent(discoveryMatch[1] ?? ''), response);
    }
    if (url.pathname.startsWith('/mferp/managementfrontend/')) {
      return this.importAsset(method, url, body, response);
    }

    const matched = this.options.validator.matchRequest(method, url, body);
    if (!matched) {
      this.violations.push(`${method} ${url.pathname}: no operation of the specification matches`);
      return sendJson(response, 404, armError('NoRegisteredProviderFound', 'No operation matches this path.'));
    }
    recorded.operationId = matched.operationId;
    if (matched.problems.length > 0) {
      this.violations.push(`${matched.operationId}: ${matched.problems.join('; ')}`);
      return sendJson(response, 400, armError('InvalidRequest', matched.problems.join('; ')));
    }
    if (url.searchParams.get('api-version') !== '2024-04-01') {
      this.violations.push(`${matched.operationId}: api-version ${url.searchParams.get('api-version')} instead of 2024-04-01`);
      return sendJson(response, 400, armError('InvalidApiVersion', 'Only 2024-04-01 is served here.'));
    }
    const reply = (status: number, json?: unknown, headers: Record<string, string> = {}): void => {
      this.violations.push(...this.options.validator.checkResponse(matched.operationId, status, json));
      sendJson(response, status, json, headers);
    };
    this.armOperation(matched.operationId, matched.pathParameters, url, body, reply);
  }

  private armOperation(
    operationId: string,
    parameters: Record<string, string>,
    url: URL,
    body: unknown,
    reply: (status: number, json?: unknown, headers?: Record<string, string>) => void,
  ): void {
    const { subscriptionId = '', resourceGroupName = '', workspaceName = '', registryName = '', name = '', modelName = '', version = '' } = parameters;
    const workspace = this.workspaces.get(workspaceKey(subscriptionId, resourceGroupName, workspaceName));
    const armPath = url.pathname;

    switch (operationId) {
      case 'RegistryModelVersions_Get': {
        const found = this.registryVersions.has(`${registryKey(subscriptionId, resourceGroupName, registryName)}/${modelName}/${version}`);
        return found ? reply(200, modelVersionResource(armPath, version, {})) : reply(404, armError('NotFound', `Model ${modelName}:${version} was not found in registry ${registryName}.`));
      }
      case 'ModelVersions_Get': {
        const model = workspace?.models.get(`${name}/${version}`);
        return model ? reply(200, modelVersionResource(armPath, version, model.tags)) : reply(404, armError('UserError', `Model container ${name} version ${version} not found.`));
      }
      case 'Workspaces_Get':
        return workspace
          ? reply(200, { id: armPath, name: workspaceName, type: 'Microsoft.MachineLearningServices/workspaces', location: workspace.location, properties: { workspaceId: workspace.workspaceId } })
          : reply(404, armError('ResourceNotFound', `Workspace ${workspaceName} not found.`));
      case 'ModelVersions_Publish':
        return this.publish(parameters, workspace !== undefined && workspace.models.has(`${name}/${version}`), body as { registryName: string; destinationName: string; destinationVersion: string }, reply);
      case 'ModelContainers_List': {
        const names = [...new Set([...(workspace?.models.keys() ?? [])].map((key) => key.split('/')[0] ?? ''))].sort();
        const items = names.map((containerName) => ({ id: `${armPath}/${containerName}`, name: containerName, type: 'Microsoft.MachineLearningServices/workspaces/models', properties: {} }));
        return reply(200, this.page(items, url));
      }
      case 'ModelVersions_List': {
        const filter = parseTagFilter(url.searchParams.get('tags'));
        const items = [...(workspace?.models.entries() ?? [])]
          .filter(([key, model]) => key.split('/')[0] === name && filter.every(([tag, value]) => tag in model.tags && (value === undefined || model.tags[tag] === value)))
          .map(([key, model]) => modelVersionResource(`${armPath}/${key.split('/')[1]}`, key.split('/')[1] ?? '', model.tags));
        return reply(200, this.page(items, url));
      }
      default:
        this.violations.push(`${operationId} is in the specification but the task was not expected to call it`);
        return reply(400, armError('NotImplemented', `${operationId} is not served here.`));
    }
  }

  private publish(
    parameters: Record<string, string>,
    sourceExists: boolean,
    body: { registryName: string; destinationName: string; destinationVersion: string },
    reply: (status: number, json?: unknown, headers?: Record<string, string>) => void,
  ): void {
    const { subscriptionId = '', resourceGroupName = '', name = '' } = parameters;
    if (!sourceExists) {
      return reply(404, armError('UserError', `Model ${name} was not found in the workspace.`));
    }
    const registry = [...this.registries].find((key) => key.endsWith(`/${body.registryName.toLowerCase()}`));
    if (!registry) {
      return reply(404, armError('RegistryNotFound', `Registry ${body.registryName} not found for subscription ${subscriptionId} and resource group ${resourceGroupName}.`));
    }
    const destination = `${registry}/${body.destinationName}/${body.destinationVersion}`;
    if (this.raceOnPublish.has(body.destinationName)) {
      this.registryVersions.set(destination, { createdBy: 'seed' });
    }
    if (this.registryVersions.has(destination)) {
      if (!this.raceOnPublish.has(body.destinationName)) {
        this.violations.push(`publish of an existing registry version ${destination}: the client must check first`);
      }
      return reply(409, armError('Conflict', `Version ${body.destinationVersion} of ${body.destinationName} already exists in the registry.`));
    }
    const location = this.startOperation(() => this.registryVersions.set(destination, { createdBy: 'publish' }));
    reply(202, undefined, { Location: location, 'Retry-After': String(this.options.retryAfterSeconds ?? 10) });
  }

  private importAsset(method: string, url: URL, body: unknown, response: ServerResponse): void {
    // The data-plane import is not in the saved 2024-04-01 specification, so its request is
    // checked against the shape the Python SDK sends (ResourceManagementAssetReferenceData).
    const match = /^\/mferp\/managementfrontend\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/registries\/([^/]+)\/import$/.exec(url.pathname);
    const properties = (body as { properties?: Record<string, unknown> } | undefined)?.properties;

    const problems: string[] = [];
    if (method !== 'POST' || !match) {
      problems.push(`${method} ${url.pathname} is not the registry import path`);
    }
    if (url.searchParams.get('api-version') !== '2021-10-01-dataplanepreview') {
      problems.push(`api-version ${url.searchParams.get('api-version')} instead of 2021-10-01-dataplanepreview`);
    }
    const keys = Object.keys(properties ?? {}).sort().join(',');
    if (keys !== 'destinationName,destinationVersion,sourceAssetId' || Object.values(properties ?? {}).some((value) => typeof value !== 'string')) {
      problems.push(`body.properties must hold the strings sourceAssetId, destinationName and destinationVersion, found ${JSON.stringify(body)}`);
    }
    if (problems.length > 0 || !match || !properties) {
      this.violations.push(`registry import: ${problems.join('; ')}`);
      return sendJson(response, 400, armError('InvalidRequest', problems.join('; ')));
    }

    const sourceMatch = /^azureml:\/\/locations\/([^/]+)\/workspaces\/([^/]+)\/models\/([^/]+)\/versions\/([^/]+)$/.exec(String(properties.sourceAssetId));
    const workspace = [...this.workspaces.values()].find((candidate) => candidate.workspaceId === sourceMatch?.[2] && candidate.location === sourceMatch?.[1]);
    if (!sourceMatch || !workspace?.models.has(`${sourceMatch[3]}/${sourceMatch[4]}`)) {
      return sendJson(response, 404, armError('UserError', `Source asset ${String(properties.sourceAssetId)} not found.`));
    }

    const registry = registryKey(decodeURIComponent(match[1] ?? ''), decodeURIComponent(match[2] ?? ''), decodeURIComponent(match[3] ?? ''));
    const destination = `${registry}/${String(properties.destinationName)}/${String(properties.destinationVersion)}`;
    if (this.registryVersions.has(destination)) {
      this.violations.push(`import over an existing registry version ${destination}: the client must check first`);
    }
    const location = this.startOperation(() => this.registryVersions.set(destination, { createdBy: 'import' }));
    sendJson(response, 202, undefined, { Location: location, 'Retry-After': String(this.options.retryAfterSeconds ?? 10) });
  }

  private startOperation(complete: () => void): string {
    const id = crypto.randomUUID();
    this.operations.set(id, { pollsLeft: this.options.pollsBeforeDone ?? 1, complete });
    return `${this.url}/operations/${id}?api-version=2024-04-01`;
  }

  private poll(url: URL, response: ServerResponse): void {
    const id = url.pathname.slice('/operations/'.length);
    const operation = this.operations.get(id);
    if (!operation) {
      return sendJson(response, 404, armError('NotFound', 'Unknown operation.'));
    }
    if (operation.pollsLeft > 0) {
      operation.pollsLeft -= 1;
      return sendJson(response, 202, undefined, { Location: `${this.url}${url.pathname}${url.search}`, 'Retry-After': String(this.options.retryAfterSeconds ?? 10) });
    }
    operation.complete();
    sendJson(response, 200, undefined);
  }

  private discovery(registryName: string, response: ServerResponse): void {
    const registry = [...this.registries].find((key) => key.endsWith(`/${registryName.toLowerCase()}`));
    if (!registry) {
      return sendJson(response, 404, armError('RegistryNotFound', `Registry ${registryName} not found.`));
    }
    const [subscriptionId, resourceGroup] = registry.split('/');
    sendJson(response, 200, { registryName, primaryRegion: 'westeurope', primaryRegionResourceProviderUri: `${this.url}/`, subscriptionId, resourceGroup, regions: [] });
  }

  private page(items: unknown[], url: URL): { value: unknown[]; nextLink?: string } {
    const size = this.options.pageSize ?? 100;
    const start = Number(url.searchParams.get('$skip') ?? '0');
    const value = items.slice(start, start + size);
    if (start + size >= items.length) {
      return { value };
    }
    const next = new URL(url.toString());
    next.searchParams.set('$skip', String(start + size));
    return { value, nextLink: next.toString() };
  }

  private applyFault(method: string, url: URL, response: ServerResponse): boolean {
    const fault = this.faults.find((candidate) => candidate.times > 0 && (!candidate.method || candidate.method === method) && url.pathname.includes(candidate.pathIncludes));
    if (!fault) {
      return false;
    }
    fault.times -= 1;
    if (fault.reset) {
      response.socket?.destroy();
      return true;
    }
    const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'Retry-After': fault.retryAfter };
    sendJson(response, fault.status ?? 500, armError('InternalServerError', fault.message ?? 'Injected fault of the test server.'), headers);
    return true;
  }

  private authorized(request: IncomingMessage): boolean {
    const header = request.headers.authorization ?? '';
    return header.startsWith('Bearer ') && this.issuedAccessTokens.includes(header.slice('Bearer '.length));
  }

  private openIdConfiguration(tenant: string, response: ServerResponse): void {
    if (tenant !== this.options.tenantId) {
      return sendJson(response, 400, { error: 'invalid_tenant', error_description: `Tenant ${tenant} not found.` });
    }
    const base = `${this.url}/${tenant}`;
    sendJson(response, 200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      issuer: `${base}/v2.0`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      tenant_region_scope: 'EU',
    });
  }

  private token(tenant: string, raw: string, response: ServerResponse): void {
    const form = new URLSearchParams(raw);
    const fail = (error: string, description: string): void => sendJson(response, 400, { error, error_description: description });
    if (tenant !== this.options.tenantId) {
      return fail('invalid_request', `AADSTS90002: Tenant '${tenant}' not found.`);
    }
    const clientId = form.get('client_id') ?? '';
    const principal = this.options.principals.find((candidate) => candidate.clientId === clientId);
    const scope = form.get('scope') ?? '';
    if (form.get('grant_type') !== 'client_credentials' || !principal) {
      return fail('unauthorized_client', `AADSTS700016: Application '${clientId}' was not found.`);
    }
    if (!scope.split(' ').some((item) => item.endsWith('/.default'))) {
      return fail('invalid_scope', `AADSTS1002012: The scope '${scope}' is not a .default scope.`);
    }

    let method: 'secret' | 'certificate' | 'federated';
    const assertion = form.get('client_assertion');
    if (form.has('client_secret')) {
      if (!principal.secret || form.get('client_secret') !== principal.secret) {
        return fail('invalid_client', 'AADSTS7000215: Invalid client secret provided.');
      }
      method = 'secret';
    } else if (assertion && form.get('client_assertion_type') === JWT_BEARER) {
      if (principal.federated && this.issuedOidcTokens.includes(assertion)) {
        if (jwtExpiry(assertion) * 1000 <= Date.now()) {
          return fail('invalid_client', 'AADSTS700024: Client assertion is not within its valid time range.');
        }
        this.federatedAssertions.push(assertion);
        method = 'federated';
      } else if (principal.certificatePem && verifyCertificateAssertion(assertion, principal.certificatePem, clientId, `${this.url}/${tenant}/oauth2/v2.0/token`)) {
        method = 'certificate';
      } else {
        return fail('invalid_client', 'AADSTS700027: The client assertion is not valid for this application.');
      }
    } else {
      return fail('invalid_client', 'AADSTS7000218: The request body must contain client_assertion or client_secret.');
    }

    const accessToken = `fake-arm-token-${crypto.randomBytes(16).toString('hex')}`;
    this.issuedAccessTokens.push(accessToken);
    this.tokenRequests.push({ clientId, scope, method });
    sendJson(response, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken });
  }

  private managedIdentityToken(url: URL, request: IncomingMessage, response: ServerResponse): void {
    const identity = this.options.managedIdentity;
    if (!identity || request.headers['x-identity-header'] !== identity.identityHeader) {
      return sendJson(response, 401, { statusCode: 401, message: 'The X-IDENTITY-HEADER is missing or wrong.' });
    }
    const clientId = url.searchParams.get('client_id');
    const resource = url.searchParams.get('resource') ?? '';
    if (url.searchParams.get('api-version') !== '2019-08-01' || clientId !== identity.clientId || resource === '') {
      this.violations.push(`managed identity token request with query ${url.search}`);
      return sendJson(response, 400, { statusCode: 400, message: 'api-version 2019-08-01, resource and the client_id of the identity are required.' });
    }
    const accessToken = `fake-arm-token-${crypto.randomBytes(16).toString('hex')}`;
    this.issuedAccessTokens.push(accessToken);
    this.tokenRequests.push({ clientId, scope: resource, method: 'managedIdentity' });
    sendJson(response, 200, { access_token: accessToken, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource, token_type: 'Bearer', client_id: clientId });
  }

  private oidcToken(url: URL, request: IncomingMessage, response: ServerResponse): void {
    const ado = this.options.ado;
    if (!ado || request.method !== 'POST') {
      return sendJson(response, 404, { message: 'No OIDC endpoint here.' });
    }
    if (request.headers.authorization !== `Bearer ${ado.accessToken}`) {
      return sendJson(response, 401, { message: 'TF400813: The user is not authorized to access this resource.' });
    }
    if (url.searchParams.get('api-version') !== '7.1' || url.searchParams.get('serviceConnectionId') !== ado.serviceConnectionId) {
      this.violations.push(`OIDC token request with query ${url.search}`);
      return sendJson(response, 400, { message: 'api-version 7.1 and the serviceConnectionId of the connection are required.' });
    }
    sendJson(response, 200, { oidcToken: this.issueOidcToken(600) });
  }

  /**
   * Issues an OIDC token for the Azure DevOps service connection, as the OIDC endpoint does or
   * as the agent puts it into the connection (`idToken`). `lifetimeSeconds` may be negative.
   */
  issueOidcToken(lifetimeSeconds: number): string {
    const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const claims = { sub: `sc://org/project/${this.options.ado?.serviceConnectionId ?? ''}`, exp: Math.floor(Date.now() / 1000) + lifetimeSeconds, jti: crypto.randomUUID() };
    const token = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode(claims)}.${crypto.randomBytes(32).toString('base64url')}`;
    this.issuedOidcTokens.push(token);
    return token;
  }
}

function jwtExpiry(jwt: string): number {
  const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: number };
  return payload.exp ?? 0;
}

function verifyCertificateAssertion(assertion: string, certificatePem: string, clientId: string, audience: string): boolean {
  const [headerPart, payloadPart, signaturePart] = assertion.split('.');
  if (!headerPart || !payloadPart || !signaturePart) {
    return false;
  }
  const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8')) as { alg?: string; x5t?: string; 'x5t#S256'?: string };
  const payload = JSON.parse(Buffer.from(payloadPart, 'base64url').toString('utf8')) as { aud?: string; iss?: string; sub?: string; exp?: number };
  const certificate = new crypto.X509Certificate(certificatePem);
  const thumbprint = (fingerprint: string): string => Buffer.from(fingerprint.replace(/:/g, ''), 'hex').toString('base64url');
  const thumbprintMatches = header['x5t#S256'] === thumbprint(certificate.fingerprint256) || header.x5t === thumbprint(certificate.fingerprint);
  const data = Buffer.from(`${headerPart}.${payloadPart}`);
  const signature = Buffer.from(signaturePart, 'base64url');
  const key = certificate.publicKey;
  const signatureValid =
    header.alg === 'PS256'
      ? crypto.verify('sha256', data, { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature)
      : header.alg === 'RS256' && crypto.verify('sha256', data, key, signature);
  const claimsValid = payload.aud === audience && payload.iss === clientId && payload.sub === clientId && (payload.exp ?? 0) * 1000 > Date.now();
  return thumbprintMatches && signatureValid && claimsValid;
}

function modelVersionResource(id: string, version: string, tags: Record<string, string>): unknown {
  return {
    id,
    name: version,
    type: 'Microsoft.MachineLearningServices/models/versions',
    properties: { tags, properties: {}, modelType: 'custom_model', modelUri: `azureml://models/${version}`, isArchived: false, isAnonymous: false, provisioningState: 'Succeeded' },
  };
}

function armError(code: string, message: string): unknown {
  return { error: { code, message } };
}

function parseTagFilter(filter: string | null): Array<[string, string | undefined]> {
  return (filter ?? '')
    .split(',')
    .filter(Boolean)
    .map((item) => {
      const [tag = '', ...rest] = item.split('=');
      return [tag, rest.length > 0 ? rest.join('=') : undefined];
    });
}

function workspaceKey(subscriptionId: string, resourceGroup: string, workspaceName: string): string {
  return `${subscriptionId}/${resourceGroup}/${workspaceName}`.toLowerCase();
}

function registryKey(subscriptionId: string, resourceGroup: string, registryName: string): string {
  return `${subscriptionId}/${resourceGroup}/${registryName}`.toLowerCase();
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(response: ServerResponse, status: number, json: unknown, headers: Record<string, string> = {}): void {
  const requestId = crypto.randomUUID();
  if (json === undefined) {
    response.writeHead(status, { 'x-ms-request-id': requestId, 'Content-Length': '0', ...headers }).end();
    return;
  }
  const text = JSON.stringify(json);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'x-ms-request-id': requestId, ...headers }).end(text);
}
