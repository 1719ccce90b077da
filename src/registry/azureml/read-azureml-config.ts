import { developerConnection, isHttpsUrl, readAzureRmConnection, type AzureRmConnection } from '../../auth/azure-rm-connection';
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
 * ARM URL of the public Azure cloud. Only a run outside a pipeline falls back to it when
 * azureResourceManagerUrl is empty. In a pipeline the ARM URL always comes from the service connection.
 */
const PUBLIC_CLOUD_ARM_URL = 'https://management.azure.com/';

/** Cloud names of the ARM hosts, so that a run outside a pipeline finds the discovery URL as a connection's cloud does. */
const ARM_HOST_CLOUDS: Record<string, string> = {
  'management.azure.com': 'AzureCloud',
  'management.chinacloudapi.cn': 'AzureChinaCloud',
  'management.usgovcloudapi.net': 'AzureUSGovernment',
};

/**
 * Reads the inputs of `registryType: azureml` and the AzureRM service connection they name.
 * Outside a pipeline, an empty azureSubscription selects the developer credential chain instead.
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
  const checkName = (kind: AzureMlNameKind, name: string, value: string): void => pushNameProblem(problems, kind, name, value);

  const connection = readConnection(inputs, problems);
  const resourceGroup = required('resourceGroup');
  const workspaceName = required('workspaceName');
  const registryName = required('registryName');
  const registryResourceGroup = inputs.input('registryResourceGroup') ?? resourceGroup;
  checkName('resourceGroup', 'resourceGroup', resourceGroup);
  checkName('workspace', 'workspaceName', workspaceName);
  checkName('registry', 'registryName', registryName);
  checkName('resourceGroup', 'registryResourceGroup', registryResourceGroup);

  const promotionMethod = readPromotionMethod(inputs, problems);

  const subscriptionId = connection?.subscriptionId ?? '';
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

/**
 * Reads the sign-in: the service connection that azureSubscription names or, outside a pipeline
 * when that input is empty, the developer credential chain. Checks the subscription either way.
 */
function readConnection(inputs: TaskInputs, problems: Problem[]): AzureRmConnection | undefined {
  const connectionId = inputs.input('azureSubscription');
  if (connectionId === undefined && !runsInPipeline(inputs)) {
    return readDeveloperConnection(inputs, problems);
  }

  for (const name of ['azureSubscriptionId', 'azureResourceManagerUrl']) {
    const value = inputs.input(name);
    if (value !== undefined) {
      problems.push({
        source: `input ${name}`,
        location: '',
        message: 'The input applies only to runs outside a pipeline without azureSubscription. Clear it, because the service connection sets the subscription and the ARM URL',
        value: quote(value),
      });
    }
  }
  if (connectionId === undefined) {
    problems.push({
      source: 'input azureSubscription',
      location: '',
      message: 'Input azureSubscription is required when registryType is azureml in a pipeline. Set it to the name of an Azure Resource Manager service connection that can reach the workspace',
    });
    return undefined;
  }

  const connection = readAzureRmConnection(inputs, connectionId, problems);
  if (connection && connection.subscriptionId === undefined) {
    problems.push({
      source: `service connection ${connectionId} (input azureSubscription)`,
      location: '',
      message: 'The connection names no subscription; use a connection scoped to the subscription of the workspace',
    });
  }
  pushNameProblem(problems, 'subscriptionId', 'azureSubscription', connection?.subscriptionId);
  return connection;
}

/**
 * Returns true when an Azure Pipelines agent started the task. The agent sets TF_BUILD=True for
 * every process it starts (azure-pipelines-agent `src/Agent.Sdk/ProcessInvoker.cs`), and every
 * job carries System.TeamFoundationCollectionUri. Either one counts, so a pipeline job never
 * falls back to a sign-in found on the agent machine, such as an Azure CLI login.
 */
function runsInPipeline(inputs: TaskInputs): boolean {
  return inputs.variable('TF_BUILD') !== undefined || inputs.variable('System.TeamFoundationCollectionUri') !== undefined;
}

/**
 * Reads the settings of a run outside a pipeline, where `DefaultAzureCredential` signs in: the
 * subscription from azureSubscriptionId and the ARM URL from azureResourceManagerUrl, else the
 * public cloud's. The authority stays with the credentials, which read AZURE_AUTHORITY_HOST.
 */
function readDeveloperConnection(inputs: TaskInputs, problems: Problem[]): AzureRmConnection | undefined {
  const before = problems.length;
  const subscriptionId = inputs.input('azureSubscriptionId');
  if (subscriptionId === undefined) {
    problems.push({
      source: 'input azureSubscriptionId',
      location: '',
      message:
        'Input azureSubscriptionId is required when registryType is azureml and the task runs outside a pipeline without azureSubscription. ' +
        'Set it to the subscription ID of the workspace to sign in through DefaultAzureCredential, or set azureSubscription to a service connection',
    });
  }
  pushNameProblem(problems, 'subscriptionId', 'azureSubscriptionId', subscriptionId);

  const armUrl = inputs.input('azureResourceManagerUrl') ?? PUBLIC_CLOUD_ARM_URL;
  if (!isHttpsUrl(armUrl)) {
    problems.push({ source: 'input azureResourceManagerUrl', location: '', message: 'The Azure Resource Manager URL must be an https URL', value: quote(armUrl), allowed: `${PUBLIC_CLOUD_ARM_URL} or the ARM URL of your cloud` });
  }
  const authorityHost = inputs.variable('AZURE_AUTHORITY_HOST');
  if (authorityHost !== undefined && !isHttpsUrl(authorityHost)) {
    problems.push({ source: 'environment variable AZURE_AUTHORITY_HOST', location: '', message: 'The sign-in authority must be an https URL', value: quote(authorityHost), allowed: 'https://login.microsoftonline.com/ or the authority host of your cloud' });
  }
  if (problems.length > before || subscriptionId === undefined) {
    return undefined;
  }

  const environment = ARM_HOST_CLOUDS[new URL(armUrl).hostname.toLowerCase()];
  return developerConnection({ armUrl, subscriptionId, environment, authorityHost });
}

function pushNameProblem(problems: Problem[], kind: AzureMlNameKind, inputName: string, value: string | undefined): void {
  const problem = value === undefined || value === '' ? undefined : checkAzureMlName(kind, value, `input ${inputName}`);
  if (problem) {
    problems.push(problem);
  }
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
