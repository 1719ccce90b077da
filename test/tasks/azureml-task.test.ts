import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';

import type { PromotionResult } from '../../src/report/promotion-result';
import type { FakeAzure } from '../servers/arm/fake-azure';
import { createTestTls, startFakeAzure, type TestTls } from '../servers/arm/fake-azure-setup';
import { buildTasksIfStale, runBuiltTask, type TaskRun } from './run-built-task';
import { assertOnlyOurCommands, assertTaskResult, buildVariables, createWorkspace, keys, outputVariables, readValidJson, writeJson, type Workspace } from './task-fixtures';

const TENANT = '4a1c9e0d-7b2f-4c3e-8d5a-6f7e8d9c0b1a';
const SUBSCRIPTION = '9c2b5e1f-3a4d-4e6f-8a7b-1c2d3e4f5a6b';
/** GUIDs of digits only: the agent upper-cases endpoint variable names, and these survive that. */
const SECRET_CONNECTION = '11111111-2222-3333-4444-555555555555';
const FEDERATED_CONNECTION = '22222222-3333-4444-5555-666666666666';
const MANAGED_IDENTITY_CONNECTION = '33333333-4444-5555-6666-777777777777';
const IDENTITY_HEADER = 'identity-header-do-not-print-0123456789';
const CLIENT_SECRET = 'Qx8~spn-client-secret-do-not-print-0123456789';
const JOB_ACCESS_TOKEN = 'job-access-token-do-not-print-abcdefghijklmnop';
const DEVELOPER_SECRET = 'Dv7~developer-client-secret-do-not-print-0123456789';

const C01 = 'PLANT001:plant001-circuit01-model:5';
const C02 = 'PLANT001:plant001-circuit02-model:3';
const C05 = 'PLANT002:plant002-circuit05-model:2';
const C10 = 'PLANT003:plant003-circuit10-model:4';

/** The models and approvals of the design note: two approved, one pending, one rejected. */
const MODELS = [
  { plant_id: 'PLANT001', model_name: 'plant001-circuit01-model', version: '5' },
  { plant_id: 'PLANT001', model_name: 'plant001-circuit02-model', version: 3 },
  { plant_id: 'PLANT002', model_name: 'plant002-circuit05-model', version: '2' },
  { plant_id: 'PLANT003', model_name: 'plant003-circuit10-model', version: '4' },
];
const APPROVALS = { [C01]: 'approved', [C02]: 'approved', [C05]: 'pending', [C10]: 'rejected' };

describe('PromoteModels task with Azure ML', function () {
  this.timeout(120_000);
  let tls: TestTls;
  let fake: FakeAzure;
  let workspace: Workspace;

  /** Returns the environment variables the agent sets for an AzureRM connection of the fake cloud. */
  function connectionVariables(id: string, scheme: string, parameters: Record<string, string>): Record<string, string> {
    return {
      [`ENDPOINT_URL_${id}`]: `${fake.url}/`,
      [`ENDPOINT_AUTH_${id}`]: JSON.stringify({ parameters, scheme }),
      [`ENDPOINT_AUTH_SCHEME_${id}`]: scheme,
      [`ENDPOINT_DATA_${id}_SUBSCRIPTIONID`]: SUBSCRIPTION,
      [`ENDPOINT_DATA_${id}_ENVIRONMENT`]: 'AzureStackTest',
      [`ENDPOINT_DATA_${id}_ENVIRONMENTAUTHORITYURL`]: `${fake.url}/`,
      [`ENDPOINT_DATA_${id}_ACTIVEDIRECTORYSERVICEENDPOINTRESOURCEID`]: `${fake.url}/`,
    };
  }

  function secretConnection(): Record<string, string> {
    return connectionVariables(SECRET_CONNECTION, 'ServicePrincipal', { tenantid: TENANT, serviceprincipalid: 'promote-app', authenticationType: 'spnKey', serviceprincipalkey: CLIENT_SECRET });
  }

  function federatedConnection(): Record<string, string> {
    return {
      ...connectionVariables(FEDERATED_CONNECTION, 'WorkloadIdentityFederation', { tenantid: TENANT, serviceprincipalid: 'federated-app' }),
      ENDPOINT_AUTH_SYSTEMVSSCONNECTION: JSON.stringify({ parameters: { AccessToken: JOB_ACCESS_TOKEN }, scheme: 'OAuth' }),
      'System.OidcRequestUri': `${fake.url}/ado/project/_apis/distributedtask/hubs/build/plans/plan-1/jobs/job-1/oidctoken`,
    };
  }

  /** Runs the task inside a pipeline, where the agent sets TF_BUILD, signing in through the given service connection. */
  async function promote(connectionId: string, connection: Record<string, string>, inputs: Record<string, string> = {}): Promise<TaskRun> {
    return await runPromoteModels({ azureSubscription: connectionId, ...inputs }, { TF_BUILD: 'True', ...connection });
  }

  /** Runs the compiled task on the design note's files and checks that it prints no foreign command and no secret. */
  async function runPromoteModels(inputs: Record<string, string>, variables: Record<string, string>): Promise<TaskRun> {
    const tokensBefore = fake.issuedAccessTokens.length;
    const run = await runBuiltTask(
      'PromoteModelsIndividually',
      {
        modelsFile: 'registered_models.json',
        approvalFile: 'approval_status.json',
        approversFile: 'config/plant_approvers.yaml',
        registryType: 'azureml',
        resourceGroup: 'rg-ml',
        workspaceName: 'ws-plants',
        registryName: 'plant-registry',
        registryResourceGroup: 'rg-shared',
        resultFile: workspace.resultFile,
        concurrency: '3',
        ...inputs,
      },
      // NODE_EXTRA_CA_CERTS is read when Node starts, so the task process trusts the test CA from its first request.
      { ...buildVariables(workspace), ...variables, NODE_EXTRA_CA_CERTS: tls.certificates.caFile },
    );
    assertOnlyOurCommands(run);
    assertSecretsHidden(run, fake.issuedAccessTokens.slice(tokensBefore));
    return run;
  }

  /** Returns every secret and token of the run: those the test configured and those the fake server issued. */
  function secrets(): string[] {
    return [CLIENT_SECRET, JOB_ACCESS_TOKEN, DEVELOPER_SECRET, ...fake.issuedAccessTokens, ...fake.issuedOidcTokens];
  }

  /** Checks that no secret is printed and that each access token issued during the run was masked. */
  function assertSecretsHidden(run: TaskRun, tokensOfRun: string[]): void {
    const printed = run.lines.filter((line) => !line.startsWith('##vso[task.setsecret]'));
    const masked = new Set(run.commands.filter((command) => command.command === 'task.setsecret').map((command) => command.message));
    for (const secret of secrets()) {
      assert.ok(!printed.some((line) => line.includes(secret)), `a secret is printed outside task.setsecret: ${secret.slice(0, 12)}…`);
      assert.ok(!run.stderr.includes(secret), 'a secret is printed to stderr');
    }
    for (const token of tokensOfRun) {
      assert.ok(masked.has(token), 'every access token is registered with task.setsecret');
    }
  }

  async function readResult(): Promise<PromotionResult> {
    const text = await readFile(workspace.resultFile, 'utf8');
    for (const secret of secrets()) {
      assert.ok(!text.includes(secret), 'a secret is in the result file');
    }
    return await readValidJson<PromotionResult>(workspace.resultFile, 'promotion_result.schema.json');
  }

  /** Returns the model name of every publish request the server received, including those that got an injected fault. */
  function publishRequests(): string[] {
    return fake.requests
      .filter((request) => request.method === 'POST' && /\/workspaces\/[^/]+\/models\/[^/]+\/versions\/[^/]+\/publish\?/.test(request.path))
      .map((request) => request.path.split('/models/')[1]?.split('/versions/')[0] ?? '');
  }

  before(async () => {
    buildTasksIfStale();
    tls = await createTestTls();
  });

  after(async () => {
    await tls.remove();
  });

  beforeEach(async () => {
    workspace = await createWorkspace();
    await writeJson(path.join(workspace.root, 'registered_models.json'), { models: MODELS });
    await writeJson(path.join(workspace.root, 'approval_status.json'), APPROVALS);
    // A Retry-After of 1 s keeps the runs short, although the specification allows only 10 to 600 s.
    fake = await startFakeAzure(tls, {
      tenantId: TENANT,
      principals: [
        { clientId: 'promote-app', secret: CLIENT_SECRET },
        { clientId: 'federated-app', federated: true },
        { clientId: 'developer-app', secret: DEVELOPER_SECRET },
      ],
      ado: { accessToken: JOB_ACCESS_TOKEN, serviceConnectionId: FEDERATED_CONNECTION },
      managedIdentity: { identityHeader: IDENTITY_HEADER, clientId: 'agent-identity' },
      retryAfterSeconds: 1,
      pollsBeforeDone: 1,
    });
    fake.addWorkspace(SUBSCRIPTION, 'rg-ml', 'ws-plants');
    fake.addRegistry(SUBSCRIPTION, 'rg-shared', 'plant-registry');
    for (const model of MODELS) {
      fake.addWorkspaceModel(SUBSCRIPTION, 'rg-ml', 'ws-plants', model.model_name, String(model.version), { plant_id: model.plant_id, run_id: '4711' });
    }
    fake.addWorkspaceModel(SUBSCRIPTION, 'rg-ml', 'ws-plants', 'plant001-circuit01-model', '4', { plant_id: 'PLANT001', run_id: '4690' });
  });

  afterEach(async () => {
    assert.deepEqual(fake.violations, []);
    await fake.stop();
    await rm(path.dirname(workspace.root), { recursive: true, force: true });
  });

  it('promotes the approved models on the first run', async () => {
    const run = await promote(SECRET_CONNECTION, secretConnection());

    assertTaskResult(run, 'Succeeded');
    const result = await readResult();
    assert.deepEqual(keys(result.promoted), [C01, C02]);
    assert.deepEqual(keys(result.pending_approval), [C05]);
    assert.deepEqual(keys(result.rejected), [C10]);
    assert.equal(result.registry.type, 'azureml');
    assert.ok(fake.hasRegistryVersion(SUBSCRIPTION, 'rg-shared', 'plant-registry', 'plant001-circuit01-model', '5'));
    assert.ok(fake.hasRegistryVersion(SUBSCRIPTION, 'rg-shared', 'plant-registry', 'plant001-circuit02-model', '3'));
    assert.ok(!fake.hasRegistryVersion(SUBSCRIPTION, 'rg-shared', 'plant-registry', 'plant002-circuit05-model', '2'));
    assert.deepEqual(publishRequests().sort(), ['plant001-circuit01-model', 'plant001-circuit02-model']);
    assert.equal(fake.tokenRequests[0]?.method, 'secret');
    assert.equal(fake.tokenRequests[0]?.scope, `${fake.url}//.default`);
    assert.equal(outputVariables(run).promotedCount, '2');
  });

  it('logs each model its own attempts', async () => {
    const run = await promote(SECRET_CONNECTION, secretConnection());

    const group = run.groups.find((candidate) => candidate.title.startsWith('PLANT001/plant001-circuit02-model:3'));
    assert.ok(group, `no group for ${C02}: ${run.groups.map((candidate) => candidate.title).join(', ')}`);
    assert.ok(group.lines.some((line) => /GET https:\/\/127\.0\.0\.1:\d+\/.*\/registries\/plant-registry\/models\/plant001-circuit02-model\/versions\/3\?api-version=2024-04-01: attempt 1 HTTP 404/.test(line)));
    assert.ok(group.lines.some((line) => /POST .*\/workspaces\/ws-plants\/models\/plant001-circuit02-model\/versions\/3\/publish\?api-version=2024-04-01: attempt 1 HTTP 202/.test(line)));
    assert.ok(group.lines.some((line) => /still running, polling again in 1000 ms/.test(line)));
    assert.ok(!group.lines.some((line) => line.includes('plant001-circuit01-model')), 'another model\'s lines leak into the group');
  });

  it('skips every promoted model on a re-run', async () => {
    await promote(SECRET_CONNECTION, secretConnection());
    const publishedBefore = publishRequests().length;

    const run = await promote(SECRET_CONNECTION, secretConnection());

    assertTaskResult(run, 'Succeeded');
    const result = await readResult();
    assert.deepEqual(keys(result.promoted), []);
    assert.deepEqual(keys(result.skipped), [C01, C02]);
    assert.ok(result.skipped.every((entry) => entry.status === 'already_promoted'));
    assert.equal(publishRequests().length, publishedBefore);
    assert.equal(outputVariables(run).skippedCount, '2');
  });

  it('fails one model and promotes the others', async () => {
    fake.addFault({ method: 'POST', pathIncludes: '/models/plant001-circuit02-model/versions/3/publish', status: 500, retryAfter: '0', times: Infinity });

    const run = await promote(SECRET_CONNECTION, secretConnection());

    assertTaskResult(run, 'Failed');
    const result = await readResult();
    assert.deepEqual(keys(result.promoted), [C01]);
    assert.deepEqual(keys(result.failed), [C02]);
    assert.match(result.failed[0]?.error ?? '', /Publishing plant001-circuit02-model:3 to registry plant-registry failed with HTTP 500: InternalServerError/);
    assert.ok(!fake.hasRegistryVersion(SUBSCRIPTION, 'rg-shared', 'plant-registry', 'plant001-circuit02-model', '3'));
    assert.equal(publishRequests().filter((name) => name === 'plant001-circuit02-model').length, 5);
    assert.equal(outputVariables(run).failedCount, '1');
  });

  it('signs in through workload identity federation', async () => {
    const run = await promote(FEDERATED_CONNECTION, federatedConnection());

    assertTaskResult(run, 'Succeeded');
    const result = await readResult();
    assert.deepEqual(keys(result.promoted), [C01, C02]);
    assert.ok(fake.issuedOidcTokens.length >= 1);
    assert.ok(fake.tokenRequests.every((request) => request.method === 'federated'));
    const masked = run.commands.filter((command) => command.command === 'task.setsecret').map((command) => command.message);
    assert.ok(masked.includes(JOB_ACCESS_TOKEN));
    assert.ok(fake.issuedOidcTokens.every((token) => masked.includes(token)));
  });

  it('signs in with a managed identity', async () => {
    // MSAL picks the App Service managed identity source when these two variables are set. It
    // replaces the instance metadata endpoint, which tests must not reach.
    const connection = {
      ...connectionVariables(MANAGED_IDENTITY_CONNECTION, 'ManagedServiceIdentity', {}),
      [`ENDPOINT_DATA_${MANAGED_IDENTITY_CONNECTION}_MSICLIENTID`]: 'agent-identity',
      IDENTITY_ENDPOINT: `${fake.url}/msi/token`,
      IDENTITY_HEADER: IDENTITY_HEADER,
    };

    const run = await promote(MANAGED_IDENTITY_CONNECTION, connection);

    assertTaskResult(run, 'Succeeded');
    assert.deepEqual(keys((await readResult()).promoted), [C01, C02]);
    assert.ok(fake.tokenRequests.length >= 1);
    assert.ok(fake.tokenRequests.every((request) => request.method === 'managedIdentity' && request.scope === `${fake.url}/`));
  });

  it('signs in as the developer outside a pipeline', async () => {
    // No TF_BUILD and no connection: DefaultAzureCredential's EnvironmentCredential reads the
    // AZURE_* variables. AZURE_TOKEN_CREDENTIALS limits the chain to that credential, so a
    // failed sign-in cannot go on to the metadata endpoint or the Azure CLI.
    const developerSignIn = {
      AZURE_TENANT_ID: TENANT,
      AZURE_CLIENT_ID: 'developer-app',
      AZURE_CLIENT_SECRET: DEVELOPER_SECRET,
      AZURE_AUTHORITY_HOST: `${fake.url}/`,
      AZURE_TOKEN_CREDENTIALS: 'EnvironmentCredential',
    };

    const run = await runPromoteModels({ azureSubscriptionId: SUBSCRIPTION, azureResourceManagerUrl: `${fake.url}/` }, developerSignIn);

    assertTaskResult(run, 'Succeeded');
    const result = await readResult();
    assert.deepEqual(keys(result.promoted), [C01, C02]);
    assert.ok(fake.hasRegistryVersion(SUBSCRIPTION, 'rg-shared', 'plant-registry', 'plant001-circuit01-model', '5'));
    assert.deepEqual(fake.tokenRequests, [{ clientId: 'developer-app', scope: `${fake.url}//.default`, method: 'secret' }]);
    assert.ok(fake.requests.some((request) => request.path === `/${TENANT}/v2.0/.well-known/openid-configuration`), 'the authority comes from AZURE_AUTHORITY_HOST');
    assert.ok(!fake.requests.some((request) => request.path.includes('/discovery/instance')), 'instance discovery stays off for a private authority');
  });

  it('requires a connection inside a pipeline', async () => {
    const run = await runPromoteModels({ azureSubscriptionId: SUBSCRIPTION }, { TF_BUILD: 'True' });

    assertTaskResult(run, 'Failed');
    const message = run.commands.find((command) => command.command === 'task.complete')?.message ?? '';
    assert.match(message, /input azureSubscription: Input azureSubscription is required when registryType is azureml in a pipeline\. Set it to the name of an Azure Resource Manager service connection/);
    assert.match(message, /input azureSubscriptionId: The input applies only to runs outside a pipeline without azureSubscription/);
    assert.deepEqual(fake.requests, []);
  });

  it('imports through the registry data plane', async () => {
    const run = await promote(SECRET_CONNECTION, secretConnection(), { azuremlPromotionMethod: 'import', azuremlDiscoveryUrl: `${fake.url}/` });

    assertTaskResult(run, 'Succeeded');
    assert.deepEqual(keys((await readResult()).promoted), [C01, C02]);
    assert.equal(fake.registryVersions.get(`${SUBSCRIPTION}/rg-shared/plant-registry/plant001-circuit01-model/5`)?.createdBy, 'import');
    assert.deepEqual(publishRequests(), []);
  });

  it('reads the models of the run by tag', async () => {
    await rm(path.join(workspace.root, 'registered_models.json'));

    const run = await promote(SECRET_CONNECTION, secretConnection(), { modelsSource: 'workspace', modelsTags: 'run_id=4711' });

    assertTaskResult(run, 'Succeeded');
    const result = await readResult();
    assert.deepEqual(keys(result.promoted), [C01, C02]);
    assert.deepEqual(keys(result.pending_approval), [C05]);
    assert.deepEqual(keys(result.rejected), [C10]);
    assert.ok(!fake.hasRegistryVersion(SUBSCRIPTION, 'rg-shared', 'plant-registry', 'plant001-circuit01-model', '4'));
    assert.ok(fake.requests.some((request) => request.operationId === 'ModelVersions_List' && request.path.includes('tags=run_id%3D4711')));
  });

  it('rejects a version Azure ML cannot hold before any call', async () => {
    await writeJson(path.join(workspace.root, 'registered_models.json'), { models: [...MODELS, { plant_id: 'TEST_PLANT', model_name: 'testplant-circuit01-model', version: 'v2' }] });

    const run = await promote(SECRET_CONNECTION, secretConnection());

    assertTaskResult(run, 'Failed');
    const completion = run.commands.find((command) => command.command === 'task.complete');
    assert.match(completion?.message ?? '', /TEST_PLANT:testplant-circuit01-model:v2.*Invalid Azure Machine Learning model version.*"v2".*positive integer/);
    assert.deepEqual(fake.requests, []);
  });

  it('reports every invalid azureml input at once', async () => {
    const run = await promote(SECRET_CONNECTION, secretConnection(), { workspaceName: 'w', registryName: 'bad.registry', azuremlPromotionMethod: 'copy' });

    assertTaskResult(run, 'Failed');
    const message = run.commands.find((command) => command.command === 'task.complete')?.message ?? '';
    assert.match(message, /input workspaceName: Invalid Azure Machine Learning workspace name \(found "w"\)/);
    assert.match(message, /input registryName: Invalid Azure Machine Learning registry name \(found "bad.registry"\)/);
    assert.match(message, /input azuremlPromotionMethod: Unknown promotion method \(found "copy"\)\. Allowed: publish, import/);
    assert.deepEqual(fake.requests, []);
  });
});
