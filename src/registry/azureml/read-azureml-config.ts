import { readAzureRmConnection } from '../../auth/azure-rm-connection';
import type { Problem } from '../../errors';
import type { TaskInputs } from '../../pipeline/task-inputs';
import { quote } from '../../text/neutralize';
import type { AzureMlRegistryConfig } from '../registry-config';
import { checkAzureMlName, type AzureMlNameKind } from './azureml-names';
import { AZUREML_PROMOTION_METHODS, type AzureMlPromotionMethod } from './azureml-registry';

/**
 * Registry discovery hosts of the Azure clouds, as the Azure ML Python SDK's
 * `_azure_environments.py` lists them. A connection to any other cloud needs the input
 * `azuremlDiscoveryUrl` for the import method.
 */
const DISCOVERY_URLS: Record<string, string> = {
  azurecloud: 'https://eastus.api.azureml.ms/',
  azurechinacloud: 'https://chinaeast2.api.ml.azure.cn/',
  azureusgovernment: 'https://usgovarizona.api.ml.azure.us/',
};

/**
 * Reads the inputs of `registryType: azureml` and the AzureRM service connection they name.
 * Adds every problem to `problems` and returns undefined when the configuration is unusable.
 */
export function readAzureMlRegistryConfig(inputs: TaskInputs, problems: Problem[]): AzureMlRegistryConfig | undefined {
  const before = problems.length;
  const required = (name: string): string => {
    const value = inputs.input(name);
    if (value === undefined) {
      problems.push({ source: `input ${name}`, location: '', message: `Input ${name} is required when registryType is azureml` });
    }
    return value ?? '';
  };
  const checkName = (kind: AzureMlNameKind, name: string, value: string): void => {
    const problem = value === '' ? undefined : checkAzureMlName(kind, value, `input ${name}`);
    if (problem) {
      problems.push(problem);
    }
  };

  const connectionId = required('azureSubscription');
  const resourceGroup = required('resourceGroup');
  const workspaceName = required('workspaceName');
  const registryName = required('registryName');
  const registryResourceGroup = inputs.input('registryResourceGroup') ?? resourceGroup;
  checkName('resourceGroup', 'resourceGroup', resourceGroup);
  checkName('workspace', 'workspaceName', workspaceName);
  checkName('registry', 'registryName', registryName);
  checkName('resourceGroup', 'registryResourceGroup', registryResourceGroup);

  const promotionMethod = readPromotionMethod(inputs, problems);
  const connection = connectionId === '' ? undefined : readAzureRmConnection(inputs, connectionId, problems);

  const subscriptionId = connection?.subscriptionId ?? '';
  if (connection && subscriptionId === '') {
    problems.push({
      source: `service connection ${connectionId} (input azureSubscription)`,
      location: '',
      message: 'The connection names no subscription; use a connection scoped to the subscription of the workspace',
    });
  }
  checkName('subscriptionId', 'azureSubscription', subscriptionId);
  const registrySubscriptionId = inputs.input('registrySubscriptionId') ?? subscriptionId;
  checkName('subscriptionId', 'registrySubscriptionId', registrySubscriptionId);

  const discoveryUrl = readDiscoveryUrl(inputs, promotionMethod, connection?.environment, problems);
  if (problems.length > before || !connection || !promotionMethod) {
    return undefined;
  }
  return {
    type: 'azureml',
    connection,
    workspace: { subscriptionId, resourceGroup, workspaceName },
    registry: { subscriptionId: registrySubscriptionId, resourceGroup: registryResourceGroup, registryName },
    promotionMethod,
    discoveryUrl,
  };
}

function readPromotionMethod(inputs: TaskInputs, problems: Problem[]): AzureMlPromotionMethod | undefined {
  const raw = inputs.input('azuremlPromotionMethod') ?? 'publish';
  const method = AZUREML_PROMOTION_METHODS.find((candidate) => candidate === raw.toLowerCase());
  if (!method) {
    problems.push({ source: 'input azuremlPromotionMethod', location: '', message: 'Unknown promotion method', value: quote(raw), allowed: AZUREML_PROMOTION_METHODS.join(', ') });
  }
  return method;
}

function readDiscoveryUrl(inputs: TaskInputs, method: AzureMlPromotionMethod | undefined, environment: string | undefined, problems: Problem[]): string | undefined {
  const named = inputs.input('azuremlDiscoveryUrl');
  if (named !== undefined) {
    if (!/^https:\/\/[^/]+/.test(named)) {
      problems.push({ source: 'input azuremlDiscoveryUrl', location: '', message: 'The registry discovery URL must be an https URL', value: quote(named), allowed: 'https://<region>.api.azureml.ms/ or the host of your cloud' });
    }
    return named;
  }
  const derived = environment === undefined ? undefined : DISCOVERY_URLS[environment.toLowerCase()];
  if (method === 'import' && derived === undefined) {
    problems.push({
      source: 'input azuremlDiscoveryUrl',
      location: '',
      message: `The import method needs the registry discovery URL, and the connection's cloud ${quote(environment ?? '(none)')} has no known one; set azuremlDiscoveryUrl`,
      allowed: `an https URL; known clouds: ${Object.keys(DISCOVERY_URLS).join(', ')}`,
    });
  }
  return derived;
}
