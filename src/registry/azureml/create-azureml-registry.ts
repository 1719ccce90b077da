import { bearerAuthorization, createAzureCredential } from '../../auth/create-azure-credential';
import type { TokenCredentialOptions } from '@azure/identity';
import type { FetchFunction } from '../../http/http-client';
import { DEFAULT_RETRY_OPTIONS, type RetryOptions } from '../../http/retry-policy';
import type { AzureMlRegistryConfig } from '../registry-config';
import { ArmClient } from './arm-client';
import { AzureMlRegistry } from './azureml-registry';

/** Time limit of one ARM request, in milliseconds. */
const REQUEST_TIMEOUT_MS = 60_000;
/** Poll delay of a long-running operation that sends no `Retry-After`; the publish specification allows 10 to 600 seconds. */
const DEFAULT_POLL_DELAY_MS = 10_000;
/** Maximum time spent polling one publish or import. A copy that takes longer is reported failed, and the next run finds it in the registry. */
const MAX_POLL_MS = 30 * 60_000;

export interface AzureMlRegistryDeps {
  /** Masks secrets and tokens in the pipeline log. */
  setSecret(value: string): void;
  /** Receives sign-in lines that belong to no model, such as the OIDC token request. */
  debug?(line: string): void;
  fetch?: FetchFunction;
  retry?: RetryOptions;
  /** Extra @azure/identity options; tests pass an https agent that trusts their CA. */
  identityOptions?: Pick<TokenCredentialOptions, 'agent' | 'additionalPolicies'>;
}

/** Builds the Azure ML registry: the credential of the service connection, the ARM client on it, and the adapter. */
export function createAzureMlRegistry(config: AzureMlRegistryConfig, deps: AzureMlRegistryDeps): AzureMlRegistry {
  const fetchFunction = deps.fetch ?? fetch;
  const retry = deps.retry ?? DEFAULT_RETRY_OPTIONS;
  const credential = createAzureCredential(config.connection, {
    fetch: fetchFunction,
    setSecret: (value) => deps.setSecret(value),
    retry,
    timeoutMs: REQUEST_TIMEOUT_MS,
    log: deps.debug,
    identityOptions: deps.identityOptions,
  });
  const client = new ArmClient({
    armUrl: config.connection.armUrl,
    http: { fetch: fetchFunction, retry, timeoutMs: REQUEST_TIMEOUT_MS, authorization: bearerAuthorization(credential, config.connection.scope) },
    defaultPollDelayMs: DEFAULT_POLL_DELAY_MS,
    maxPollMs: MAX_POLL_MS,
  });
  return new AzureMlRegistry({
    client,
    workspace: config.workspace,
    registry: config.registry,
    promotionMethod: config.promotionMethod,
    discoveryUrl: config.discoveryUrl,
  });
}
