import type { HttpClient } from '../http/http-client';
import { neutralizeInline, quote } from '../text/neutralize';
import { SignInError } from './sign-in-error';

/** api-version of the Azure DevOps OIDC token endpoint, as task-lib's callers and @azure/identity 4.13 use it. */
const OIDC_API_VERSION = '7.1';

export interface OidcTokenRequest {
  /** `System.OidcRequestUri` of the job. */
  oidcRequestUri: string;
  serviceConnectionId: string;
  /** The job access token; it authorizes the request and is never logged. */
  jobAccessToken: string;
}

/**
 * Requests an OIDC token for the service connection from Azure DevOps. The token is the client
 * assertion of workload identity federation and expires after a few minutes, so callers
 * request a new one for every sign-in instead of keeping it.
 */
export async function requestOidcToken(request: OidcTokenRequest, http: HttpClient): Promise<string> {
  const url = new URL(request.oidcRequestUri);
  url.searchParams.set('api-version', OIDC_API_VERSION);
  url.searchParams.set('serviceConnectionId', request.serviceConnectionId);

  const response = await http.send({
    method: 'POST',
    url: url.toString(),
    headers: { Authorization: `Bearer ${request.jobAccessToken}`, 'X-TFS-FedAuthRedirect': 'Suppress' },
    json: {},
  });
  if (response.status !== 200) {
    const detail = response.text.trim() ? `: ${quote(response.text.trim(), 300)}` : '';
    throw new SignInError(
      `Azure DevOps refused the OIDC token for service connection ${neutralizeInline(request.serviceConnectionId, 80)} with HTTP ${response.status}${detail}. Check that the pipeline is allowed to use the connection`,
      { status: response.status },
    );
  }
  const token = response.json<{ oidcToken?: unknown }>().oidcToken;
  if (typeof token !== 'string' || token === '') {
    throw new SignInError(`Azure DevOps answered the OIDC token request for service connection ${neutralizeInline(request.serviceConnectionId, 80)} without an oidcToken`, { status: response.status });
  }
  return token;
}
