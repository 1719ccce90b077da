import * as assert from 'node:assert/strict';

import type { Problem } from '../../../src/errors';
import type { TaskInputs } from '../../../src/pipeline/task-inputs';
import { readAzureMlRegistryConfig } from '../../../src/registry/azureml/read-azureml-config';

const CONNECTION = 'conn-1';
const SUBSCRIPTION = '0b1f6471-1bf0-4dda-aec3-111122223333';

/** The variable the agent sets for every process it starts; tests of the pipeline path pass it. */
const PIPELINE = { TF_BUILD: 'True' };

function inputs(values: Record<string, string>, data: Record<string, string> = {}, variables: Record<string, string> = PIPELINE): TaskInputs {
  const endpointData: Record<string, string> = { subscriptionid: SUBSCRIPTION, environmentAuthorityUrl: 'https://login.microsoftonline.com/', environment: 'AzureCloud', ...data };
  return {
    // An empty input reads as unset, as TaskLibInputs returns it.
    input: (name) => values[name] || undefined,
    pathSupplied: () => false,
    variable: (name) => variables[name],
    endpointUrl: (id) => (id === CONNECTION ? 'https://management.azure.com/' : undefined),
    endpointScheme: () => undefined,
    endpointAuthParameter: () => undefined,
    endpointAuthorization: (id) => (id === CONNECTION ? { scheme: 'ServicePrincipal', parameters: { tenantid: 't', serviceprincipalid: 'c', serviceprincipalkey: 'k' } } : undefined),
    // An empty value stands for a data key the connection lacks, as TaskLibInputs returns it.
    endpointData: (id, key) => (id === CONNECTION ? endpointData[key] || undefined : undefined),
  };
}

const VALID = { azureSubscription: CONNECTION, resourceGroup: 'rg-ml', workspaceName: 'ws-plants', registryName: 'plant-registry' };
const DEVELOPER = { azureSubscriptionId: SUBSCRIPTION, resourceGroup: 'rg-ml', workspaceName: 'ws-plants', registryName: 'plant-registry' };

describe('readAzureMlRegistryConfig', () => {
  it('defaults the registry scope to the workspace', () => {
    const problems: Problem[] = [];

    const config = readAzureMlRegistryConfig(inputs(VALID), problems);

    assert.deepEqual(problems, []);
    assert.deepEqual(config?.workspace, { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-ml', workspaceName: 'ws-plants' });
    assert.deepEqual(config?.registry, { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-ml', registryName: 'plant-registry' });
    assert.equal(config?.promotionMethod, 'publish');
    assert.equal(config?.discoveryUrl, 'https://eastus.api.azureml.ms/');
  });

  it('reads a registry in another subscription', () => {
    const other = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';
    const config = readAzureMlRegistryConfig(inputs({ ...VALID, registryResourceGroup: 'rg-shared', registrySubscriptionId: other, azuremlPromotionMethod: 'import' }), []);

    assert.deepEqual(config?.registry, { subscriptionId: other, resourceGroup: 'rg-shared', registryName: 'plant-registry' });
    assert.equal(config?.promotionMethod, 'import');
  });

  it('derives discovery from the US Government cloud', () => {
    const config = readAzureMlRegistryConfig(inputs({ ...VALID, azuremlPromotionMethod: 'import' }, { environment: 'AzureUSGovernment' }), []);

    assert.equal(config?.discoveryUrl, 'https://usgovarizona.api.ml.azure.us/');
  });

  it('signs in as the developer outside a pipeline', () => {
    const problems: Problem[] = [];

    const config = readAzureMlRegistryConfig(inputs(DEVELOPER, {}, {}), problems);

    assert.deepEqual(problems, []);
    assert.deepEqual(config?.connection, {
      scheme: 'DeveloperCredential',
      connectionId: 'developer',
      armUrl: 'https://management.azure.com/',
      scope: 'https://management.azure.com//.default',
      subscriptionId: SUBSCRIPTION,
      environment: 'AzureCloud',
      authorityHost: undefined,
    });
    assert.deepEqual(config?.workspace, { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-ml', workspaceName: 'ws-plants' });
    assert.deepEqual(config?.registry, { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-ml', registryName: 'plant-registry' });
    assert.equal(config?.discoveryUrl, 'https://eastus.api.azureml.ms/');
  });

  it('reads a sovereign cloud outside a pipeline', () => {
    const values = { ...DEVELOPER, azureResourceManagerUrl: 'https://management.usgovcloudapi.net/', azuremlPromotionMethod: 'import' };

    const config = readAzureMlRegistryConfig(inputs(values, {}, { AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/' }), []);

    assert.deepEqual(config?.connection, {
      scheme: 'DeveloperCredential',
      connectionId: 'developer',
      armUrl: 'https://management.usgovcloudapi.net/',
      scope: 'https://management.usgovcloudapi.net//.default',
      subscriptionId: SUBSCRIPTION,
      environment: 'AzureUSGovernment',
      authorityHost: 'https://login.microsoftonline.us/',
    });
    assert.equal(config?.discoveryUrl, 'https://usgovarizona.api.ml.azure.us/');
  });

  it('keeps a named connection outside a pipeline', () => {
    const config = readAzureMlRegistryConfig(inputs(VALID, {}, {}), []);

    assert.equal(config?.connection.scheme, 'ServicePrincipal');
    assert.equal(config?.connection.connectionId, CONNECTION);
  });

  const invalid: Array<{ name: string; values: Record<string, string>; data?: Record<string, string>; variables?: Record<string, string>; expected: RegExp[] }> = [
    {
      name: 'missing inputs',
      values: {},
      expected: [
        /^input azureSubscription: Input azureSubscription is required when registryType is azureml in a pipeline\. Set it to the name of an Azure Resource Manager service connection/,
        /input resourceGroup.*required/,
        /input workspaceName.*required/,
        /input registryName.*required/,
      ],
    },
    {
      name: 'missing connection with collection URI',
      values: { ...VALID, azureSubscription: '' },
      variables: { 'System.TeamFoundationCollectionUri': 'https://dev.azure.com/contoso/' },
      expected: [/^input azureSubscription: Input azureSubscription is required when registryType is azureml in a pipeline/],
    },
    {
      name: 'developer inputs in a pipeline',
      values: { ...VALID, azureSubscriptionId: SUBSCRIPTION, azureResourceManagerUrl: 'https://management.azure.com/' },
      expected: [
        new RegExp(`^input azureSubscriptionId: The input applies only to runs outside a pipeline without azureSubscription\\. Clear it.* \\(found "${SUBSCRIPTION}"\\)`),
        /^input azureResourceManagerUrl: The input applies only to runs outside a pipeline .*\(found "https:\/\/management\.azure\.com\/"\)/,
      ],
    },
    {
      name: 'missing subscription outside a pipeline',
      values: {},
      variables: {},
      expected: [
        /^input azureSubscriptionId: Input azureSubscriptionId is required when registryType is azureml and the task runs outside a pipeline without azureSubscription\. Set it to the subscription ID/,
        /input resourceGroup.*required/,
        /input workspaceName.*required/,
        /input registryName.*required/,
      ],
    },
    {
      name: 'bad developer settings',
      values: { ...DEVELOPER, azureSubscriptionId: 'not-a-guid', azureResourceManagerUrl: 'http://management.azure.com/' },
      variables: { AZURE_AUTHORITY_HOST: 'login.microsoftonline.com' },
      expected: [
        /^input azureSubscriptionId: Invalid Azure Machine Learning subscription ID \(found "not-a-guid"\)/,
        /^input azureResourceManagerUrl: The Azure Resource Manager URL must be an https URL \(found "http:\/\/management\.azure\.com\/"\)/,
        /^environment variable AZURE_AUTHORITY_HOST: The sign-in authority must be an https URL \(found "login\.microsoftonline\.com"\)/,
      ],
    },
    { name: 'bad names', values: { ...VALID, workspaceName: 'ws', registryName: 'plant.registry' }, expected: [/input workspaceName: Invalid Azure Machine Learning workspace name \(found "ws"\)/, /input registryName: Invalid Azure Machine Learning registry name \(found "plant.registry"\)/] },
    { name: 'unknown method', values: { ...VALID, azuremlPromotionMethod: 'share' }, expected: [/Unknown promotion method \(found "share"\)\. Allowed: publish, import/] },
    { name: 'bad subscription', values: { ...VALID, registrySubscriptionId: 'not-a-guid' }, expected: [/input registrySubscriptionId: Invalid Azure Machine Learning subscription ID \(found "not-a-guid"\)/] },
    { name: 'no subscription', values: VALID, data: { subscriptionid: '' }, expected: [/names no subscription/] },
    { name: 'unknown cloud on import', values: { ...VALID, azuremlPromotionMethod: 'import' }, data: { environment: 'AzureStack' }, expected: [/input azuremlDiscoveryUrl: .*"AzureStack" has no known one; set azuremlDiscoveryUrl/] },
    { name: 'http discovery URL', values: { ...VALID, azuremlDiscoveryUrl: 'http://eastus.api.azureml.ms/' }, expected: [/must be an https URL/] },
  ];
  for (const row of invalid) {
    it(`reports ${row.name}`, () => {
      const problems: Problem[] = [];

      const config = readAzureMlRegistryConfig(inputs(row.values, row.data, row.variables), problems);

      assert.equal(config, undefined);
      const texts = problems.map((problem) => `${problem.source}: ${problem.message}${problem.value === undefined ? '' : ` (found ${problem.value})`}${problem.allowed === undefined ? '' : `. Allowed: ${problem.allowed}`}`);
      assert.equal(texts.length, row.expected.length, texts.join('\n'));
      row.expected.forEach((pattern, index) => assert.match(texts[index] ?? '', pattern));
    });
  }
});
