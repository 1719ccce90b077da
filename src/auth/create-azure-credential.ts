import {
  ClientAssertionCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  ManagedIdentityCredential,
  type AccessToken,
  type GetTokenOptions,
  type TokenCredential,
  type TokenCredentialOptions,
} from '@azure/identity';

import { errorMessage } from '../errors';
import { HttpClient, type FetchFunction } from '../http/http-client';
import type { RetryOptions } from '../http/retry-policy';
import { neutralizeInline } from '../text/neutralize';
import type { AzureRmConnection } from './azure-rm-connection';
import { requestOidcToken } from './oidc-token';
import { SignInError } from './sign-in-error';

/**
 * Authority hosts of the public and sovereign Azure clouds, for which MSAL may validate the
 * authority through instance discovery. Any other host (Azure Stack, a test server) is trusted
 * as configured, so MSAL sends requests to that host only.
 */
const KNOWN_AUTHORITY_HOSTS = new Set(['login.microsoftonline.com', 'login.windows.net', 'login.microsoftonline.us', 'login.chinacloudapi.cn', 'login.partner.microsoftonline.cn']);

export interface CredentialDeps {
  /** Used for the Azure DevOps OIDC token request; @azure/identity sends its own requests. */
  fetch: FetchFunction;
  /** Masks a value in the pipeline log; called for every secret and every token before it could be printed. */
  setSecret(value: string): void;
  /** Limits of the OIDC token request. */
  retry: RetryOptions;
  timeoutMs: number;
  log?: (line: string) => void;
  /**
   * Extra options for every @azure/identity credential. Tests pass an `agent` that trusts their
   * certificate authority, since Node reads NODE_EXTRA_CA_CERTS only at start-up.
   */
  identityOptions?: Pick<TokenCredentialOptions, 'agent' | 'additionalPolicies'>;
}

/**
 * Builds the @azure/identity credential for a connection and wraps it so that every token it
 * returns is registered with `setSecret`. A service connection's secrets are registered too, and
 * it signs in at its own authority, never at a built-in public-cloud host.
 */
export function createAzureCredential(connection: AzureRmConnection, deps: CredentialDeps): TokenCredential {
  const registered = new Set<string>();
  const mask = (value: string): void => {
    if (value && !registered.has(value)) {
      registered.add(value);
      deps.setSecret(value);
    }
  };
  return new MaskingCredential(buildCredential(connection, deps, mask), mask);
}

/** Time before a token's expiry at which it is replaced, so that no request starts with a token about to expire. */
const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Returns the `Authorization` header callback of HttpClient: a bearer token for `scope`, shared
 * by all requests until shortly before it expires. Concurrent requests wait for one sign-in, so
 * models promoted in parallel do not each request a token (and, with workload identity
 * federation, an OIDC token).
 */
export function bearerAuthorization(credential: TokenCredential, scope: string, now: () => number = Date.now): () => Promise<string> {
  let current: Promise<AccessToken> | undefined;
  let expiresAt = 0;

  const signIn = async (): Promise<AccessToken> => {
    let token: AccessToken | null;
    try {
      token = await credential.getToken(scope);
    } catch (error) {
      throw new SignInError(`Signing in to Azure for scope ${scope} failed: ${neutralizeInline(errorMessage(error), 600)}`, { cause: error });
    }
    if (!token) {
      throw new SignInError(`Signing in to Azure for scope ${scope} returned no token`);
    }
    expiresAt = token.expiresOnTimestamp;
    return token;
  };

  return async () => {
    if (current === undefined || (expiresAt !== 0 && now() >= expiresAt - TOKEN_REFRESH_MARGIN_MS)) {
      expiresAt = 0;
      current = signIn();
      // A failed sign-in is not kept, so the next request tries again.
      current.catch(() => {
        current = undefined;
      });
    }
    return `Bearer ${(await current).token}`;
  };
}

function buildCredential(connection: AzureRmConnection, deps: CredentialDeps, mask: (value: string) => void): TokenCredential {
  switch (connection.scheme) {
    case 'ServicePrincipal': {
      const options = authorityOptions(connection.authorityHost, deps);
      if (connection.secret.kind === 'clientSecret') {
        mask(connection.secret.value.reveal());
        return new ClientSecretCredential(connection.tenantId, connection.clientId, connection.secret.value.reveal(), options);
      }
      maskPem(connection.secret.pem.reveal(), mask);
      return new ClientCertificateCredential(connection.tenantId, connection.clientId, { certificate: connection.secret.pem.reveal() }, options);
    }
    case 'WorkloadIdentityFederation': {
      mask(connection.jobAccessToken.reveal());
      const http = new HttpClient({ fetch: deps.fetch, retry: deps.retry, timeoutMs: deps.timeoutMs, log: deps.log });
      const request = { oidcRequestUri: connection.oidcRequestUri, serviceConnectionId: connection.connectionId, jobAccessToken: connection.jobAccessToken.reveal() };
      let lateBoundToken = connection.idToken?.reveal();
      if (lateBoundToken !== undefined) {
        mask(lateBoundToken);
      }
      // MSAL calls this whenever it needs a new assertion, so an expired OIDC token is never reused.
      // The connection's own idToken serves once, and only while it has a minute or more left.
      const getAssertion = async (): Promise<string> => {
        const candidate = lateBoundToken;
        lateBoundToken = undefined;
        if (candidate !== undefined && secondsUntilExpiry(candidate, Date.now()) >= 60) {
          deps.log?.('Using the OIDC token of the service connection for workload identity federation');
          return candidate;
        }
        const token = await requestOidcToken(request, http);
        mask(token);
        deps.log?.('Received an OIDC token from Azure DevOps for workload identity federation');
        return token;
      };
      return new ClientAssertionCredential(connection.tenantId, connection.clientId, getAssertion, authorityOptions(connection.authorityHost, deps));
    }
    case 'ManagedServiceIdentity':
      // NOTE: managed identity works only on self-hosted agents running on Azure compute. The
      // tests run this branch through MSAL's App Service source, never the VM metadata endpoint.
      return connection.clientId ? new ManagedIdentityCredential({ clientId: connection.clientId, ...deps.identityOptions }) : new ManagedIdentityCredential({ ...deps.identityOptions });
    case 'DeveloperCredential':
      deps.log?.('Signing in through DefaultAzureCredential, because the task runs outside a pipeline and azureSubscription is empty');
      // The credentials read AZURE_AUTHORITY_HOST themselves. Instance discovery is turned off
      // for a host outside the known clouds, so that MSAL sends its requests to that host only.
      return new DefaultAzureCredential({
        ...deps.identityOptions,
        disableInstanceDiscovery: connection.authorityHost !== undefined && !isKnownAuthorityHost(connection.authorityHost),
      });
  }
}

function authorityOptions(authorityHost: string, deps: CredentialDeps): TokenCredentialOptions & { disableInstanceDiscovery: boolean } {
  return {
    ...deps.identityOptions,
    authorityHost: authorityHost.replace(/\/+$/, ''),
    disableInstanceDiscovery: !isKnownAuthorityHost(authorityHost),
  };
}

function isKnownAuthorityHost(authorityHost: string): boolean {
  return KNOWN_AUTHORITY_HOSTS.has(new URL(authorityHost).hostname.toLowerCase());
}

/** Returns the seconds until a JWT's `exp` claim, or 0 when the token has no readable `exp`. */
function secondsUntilExpiry(jwt: string, now: number): number {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp - now / 1000 : 0;
  } catch {
    return 0;
  }
}

/** Masks the PEM as a whole and line by line, because the agent masks values line by line in multi-line output. */
function maskPem(pem: string, mask: (value: string) => void): void {
  mask(pem);
  for (const line of pem.split(/\r?\n/)) {
    if (line.length >= 16 && !line.startsWith('-----')) {
      mask(line);
    }
  }
}

/** A credential that registers each token it hands out with `setSecret` before returning it. */
class MaskingCredential implements TokenCredential {
  constructor(
    private readonly inner: TokenCredential,
    private readonly mask: (value: string) => void,
  ) {}

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const token = await this.inner.getToken(scopes, options);
    if (token) {
      this.mask(token.token);
    }
    return token;
  }
}
