import type { Problem } from '../errors';
import type { TaskInputs } from '../pipeline/task-inputs';
import { quote } from '../text/neutralize';
import { SecretText } from '../text/secret-text';

/** Sign-in settings shared by every kind of AzureRM service connection. */
interface ConnectionBase {
  /** The service connection's ID, which is also the `serviceConnectionId` of OIDC token requests. */
  connectionId: string;
  /** ARM base URL of the connection's cloud (`tl.getEndpointUrl`). */
  armUrl: string;
  /** OAuth scope of ARM tokens: the connection's ARM resource ID followed by `/.default`. */
  scope: string;
  /** Cloud name from the connection, such as `AzureCloud` or `AzureUSGovernment`; undefined when the connection has none. */
  environment?: string;
  /** Subscription the connection was created for; undefined for connections scoped to a management group. */
  subscriptionId?: string;
}

/** Settings of the connections that sign in to Microsoft Entra ID as an app registration. */
interface AppConnectionBase extends ConnectionBase {
  tenantId: string;
  clientId: string;
  /** Authority host of the connection's cloud (`environmentAuthorityUrl`), such as `https://login.microsoftonline.us/`. */
  authorityHost: string;
}

export interface ServicePrincipalConnection extends AppConnectionBase {
  scheme: 'ServicePrincipal';
  /** The client secret, or the PEM certificate with its private key; both print as `***`. */
  secret: { kind: 'clientSecret'; value: SecretText } | { kind: 'certificate'; pem: SecretText };
}

export interface WorkloadIdentityConnection extends AppConnectionBase {
  scheme: 'WorkloadIdentityFederation';
  /** `System.OidcRequestUri`: the Azure DevOps endpoint that issues the job's OIDC tokens. */
  oidcRequestUri: string;
  /** The job access token (`SYSTEMVSSCONNECTION`), sent to the OIDC endpoint. */
  jobAccessToken: SecretText;
  /**
   * OIDC token the agent puts in the connection (authorization parameter `idToken`) when the
   * pipeline feature EnableLateBoundIdToken is on. The first sign-in uses it while it is valid.
   */
  idToken?: SecretText;
}

export interface ManagedIdentityConnection extends ConnectionBase {
  scheme: 'ManagedServiceIdentity';
  /** Client ID of a user-assigned identity; undefined for the system-assigned identity. */
  clientId?: string;
}

/** Sign-in outside a pipeline (the command line or the demo) through the developer credential chain, `DefaultAzureCredential`. */
export interface DeveloperConnection extends ConnectionBase {
  scheme: 'DeveloperCredential';
  /** Value of the environment variable AZURE_AUTHORITY_HOST, which `DefaultAzureCredential` reads itself, or undefined when it is unset. */
  authorityHost?: string;
}

export type AzureRmConnection = ServicePrincipalConnection | WorkloadIdentityConnection | ManagedIdentityConnection | DeveloperConnection;

const SUPPORTED_SCHEMES = 'ServicePrincipal, WorkloadIdentityFederation, ManagedServiceIdentity';
const AUTHENTICATION_TYPES = 'spnKey, spnCertificate';

/**
 * Reads an AzureRM service connection the way the agent hands it to a task (`ENDPOINT_URL_<id>`,
 * `ENDPOINT_AUTH_<id>`, `ENDPOINT_DATA_<id>_<KEY>`). The cloud comes from the connection itself:
 * its URL is the ARM endpoint and its `environmentAuthorityUrl` (or `activeDirectoryAuthority`)
 * the sign-in authority, so sovereign clouds work without settings. Adds every problem to
 * `problems` and returns undefined when the connection cannot be used.
 */
export function readAzureRmConnection(inputs: TaskInputs, connectionId: string, problems: Problem[]): AzureRmConnection | undefined {
  const source = `service connection ${connectionId} (input azureSubscription)`;
  const before = problems.length;
  const problem = (message: string, value?: string, allowed?: string): void => {
    problems.push({ source, location: '', message, value, allowed });
  };

  const armUrl = inputs.endpointUrl(connectionId);
  if (armUrl === undefined) {
    problem('The connection has no URL; the agent passes it as ENDPOINT_URL_<id> for every AzureRM connection. Check that the input names an AzureRM service connection');
  } else if (!isHttpsUrl(armUrl)) {
    problem('The connection URL must be an https URL of Azure Resource Manager', quote(armUrl));
  }

  const resource = inputs.endpointData(connectionId, 'activeDirectoryServiceEndpointResourceId') ?? armUrl;
  const base = {
    connectionId,
    armUrl: armUrl ?? '',
    scope: resource === undefined ? '' : scopeOf(resource),
    environment: inputs.endpointData(connectionId, 'environment'),
    subscriptionId: inputs.endpointData(connectionId, 'subscriptionid'),
  };

  const authorization = readAuthorization(inputs, connectionId);
  const rawScheme = authorization.scheme;
  // azure-arm-rest treats a connection without a scheme as a service principal; so does the agent's UI for old connections.
  const scheme = (rawScheme ?? 'ServicePrincipal').toLowerCase();
  let connection: AzureRmConnection | undefined;
  switch (scheme) {
    case 'serviceprincipal':
      connection = readServicePrincipal(inputs, connectionId, authorization, base, problem);
      break;
    case 'workloadidentityfederation':
      connection = readWorkloadIdentity(inputs, connectionId, authorization, base, problem);
      break;
    case 'managedserviceidentity':
      connection = { ...base, scheme: 'ManagedServiceIdentity', clientId: inputs.endpointData(connectionId, 'msiclientId') };
      break;
    default:
      problem('Unsupported authentication scheme of the service connection', quote(rawScheme ?? ''), SUPPORTED_SCHEMES);
  }
  return problems.length === before ? connection : undefined;
}

/** Settings of a sign-in outside a pipeline, which has no service connection to take them from. */
export interface DeveloperConnectionSettings {
  armUrl: string;
  subscriptionId: string;
  /** Cloud name, such as `AzureCloud`, when the ARM URL belongs to a known cloud. */
  environment?: string;
  authorityHost?: string;
}

/**
 * Builds the connection used outside a pipeline, where `DefaultAzureCredential` finds the
 * developer's sign-in. The token scope comes from the ARM URL. For the public cloud that is
 * `https://management.azure.com//.default`, the scope the Azure Developer CLI requests
 * (Azure/azure-dev `cli/azd/pkg/azure/scopes.go`).
 */
export function developerConnection(settings: DeveloperConnectionSettings): DeveloperConnection {
  return { scheme: 'DeveloperCredential', connectionId: 'developer', scope: scopeOf(settings.armUrl), ...settings };
}

/**
 * Turns a resource ID into its `.default` scope. Microsoft identity platform v2 scopes are the
 * resource ID plus `/.default`, so `https://management.core.windows.net/` becomes
 * `https://management.core.windows.net//.default`, the double slash included.
 */
export function scopeOf(resource: string): string {
  return `${resource}/.default`;
}

type ProblemSink = (message: string, value?: string, allowed?: string) => void;

/** A connection's scheme and a case-insensitive lookup of its authorization parameters. */
interface AuthorizationReader {
  scheme?: string;
  parameter(key: string): string | undefined;
}

/**
 * Reads the whole `ENDPOINT_AUTH_<id>` at once when the inputs support it, because task-lib's
 * per-parameter getter writes each value, secrets included, to the debug log.
 */
function readAuthorization(inputs: TaskInputs, connectionId: string): AuthorizationReader {
  if (!inputs.endpointAuthorization) {
    return { scheme: inputs.endpointScheme(connectionId), parameter: (key) => inputs.endpointAuthParameter(connectionId, key) };
  }
  const authorization = inputs.endpointAuthorization(connectionId);
  const parameters = new Map(Object.entries(authorization?.parameters ?? {}).map(([key, value]) => [key.toLowerCase(), value.trim()]));
  return {
    scheme: authorization?.scheme.trim() || undefined,
    parameter: (key) => parameters.get(key.toLowerCase()) || undefined,
  };
}
type Base = Omit<ServicePrincipalConnection, 'scheme' | 'secret' | 'tenantId' | 'clientId' | 'authorityHost'>;

function readAppIdentity(inputs: TaskInputs, connectionId: string, authorization: AuthorizationReader, problem: ProblemSink): { tenantId: string; clientId: string; authorityHost: string } {
  const tenantId = authorization.parameter('tenantid');
  const clientId = authorization.parameter('serviceprincipalid');
  const authorityHost = inputs.endpointData(connectionId, 'environmentAuthorityUrl') ?? inputs.endpointData(connectionId, 'activeDirectoryAuthority');
  if (!tenantId) {
    problem('The connection has no tenant ID (authorization parameter tenantid)');
  }
  if (!clientId) {
    problem('The connection has no service principal ID (authorization parameter serviceprincipalid)');
  }
  if (!authorityHost) {
    problem('The connection names no sign-in authority (data environmentAuthorityUrl or activeDirectoryAuthority); edit and save the connection so Azure DevOps fills them in');
  } else if (!isHttpsUrl(authorityHost)) {
    problem('The connection authority must be an https URL', quote(authorityHost));
  }
  return { tenantId: tenantId ?? '', clientId: clientId ?? '', authorityHost: authorityHost ?? '' };
}

function readServicePrincipal(inputs: TaskInputs, connectionId: string, authorization: AuthorizationReader, base: Base, problem: ProblemSink): ServicePrincipalConnection | undefined {
  const identity = readAppIdentity(inputs, connectionId, authorization, problem);
  const authenticationType = authorization.parameter('authenticationType') ?? 'spnKey';
  if (authenticationType === 'spnCertificate') {
    const pem = authorization.parameter('servicePrincipalCertificate');
    if (!pem || !pem.includes('-----BEGIN')) {
      problem('The certificate connection has no PEM certificate with its private key (authorization parameter servicePrincipalCertificate)');
      return undefined;
    }
    return { ...base, ...identity, scheme: 'ServicePrincipal', secret: { kind: 'certificate', pem: new SecretText(pem) } };
  }
  if (authenticationType !== 'spnKey') {
    problem('Unsupported service principal authentication type', quote(authenticationType), AUTHENTICATION_TYPES);
    return undefined;
  }
  const secret = authorization.parameter('serviceprincipalkey');
  if (!secret) {
    problem('The connection has no client secret (authorization parameter serviceprincipalkey)');
    return undefined;
  }
  return { ...base, ...identity, scheme: 'ServicePrincipal', secret: { kind: 'clientSecret', value: new SecretText(secret) } };
}

function readWorkloadIdentity(inputs: TaskInputs, connectionId: string, authorization: AuthorizationReader, base: Base, problem: ProblemSink): WorkloadIdentityConnection | undefined {
  const identity = readAppIdentity(inputs, connectionId, authorization, problem);
  const oidcRequestUri = inputs.variable('System.OidcRequestUri');
  const jobAccessToken = readAuthorization(inputs, 'SYSTEMVSSCONNECTION').parameter('AccessToken');
  if (!oidcRequestUri) {
    problem('Workload identity federation needs the variable System.OidcRequestUri, which the agent sets in pipeline jobs; run the task in an Azure Pipelines job');
  }
  if (!jobAccessToken) {
    problem('Workload identity federation needs the job access token (endpoint SYSTEMVSSCONNECTION); run the task in an Azure Pipelines job');
  }
  if (!oidcRequestUri || !jobAccessToken) {
    return undefined;
  }
  const idToken = authorization.parameter('idToken');
  return {
    ...base,
    ...identity,
    scheme: 'WorkloadIdentityFederation',
    oidcRequestUri,
    jobAccessToken: new SecretText(jobAccessToken),
    idToken: idToken === undefined ? undefined : new SecretText(idToken),
  };
}

/** Returns true when `value` parses as an absolute URL with the https scheme. */
export function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === 'https:';
  } catch {
    return false;
  }
}
