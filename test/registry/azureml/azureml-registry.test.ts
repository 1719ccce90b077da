import * as assert from 'node:assert/strict';

import type { RegisteredModel } from '../../../src/models/registered-model';
import { ArmClient } from '../../../src/registry/azureml/arm-client';
import { ModelsFileError } from '../../../src/errors';
import { AzureMlError } from '../../../src/registry/azureml/azureml-error';
import { AzureMlRegistry, type AzureMlPromotionMethod } from '../../../src/registry/azureml/azureml-registry';
import type { FakeAzure } from '../../servers/arm/fake-azure';
import { createTestTls, startFakeAzure, type TestTls } from '../../servers/arm/fake-azure-setup';

const SUBSCRIPTION = '0b1f6471-1bf0-4dda-aec3-111122223333';

function model(modelName: string, version: string): RegisteredModel {
  return { plantId: 'PLANT001', modelName, version, tags: {}, metrics: {} };
}

describe('AzureMlRegistry', () => {
  let tls: TestTls;
  let fake: FakeAzure;
  let lines: string[];
  const context = { log: (line: string) => lines.push(line) };

  function registry(promotionMethod: AzureMlPromotionMethod = 'publish'): AzureMlRegistry {
    const token = fake.issueAccessToken();
    const sleep = async (): Promise<void> => undefined;
    const client = new ArmClient({
      armUrl: `${fake.url}/`,
      http: { fetch: tls.fetch, retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1, maxTotalMs: 10_000 }, timeoutMs: 10_000, authorization: async () => `Bearer ${token}`, sleep },
      defaultPollDelayMs: 1,
      maxPollMs: 60_000,
      sleep,
    });
    return new AzureMlRegistry({
      client,
      workspace: { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-ml', workspaceName: 'ws-plants' },
      registry: { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-shared', registryName: 'plant-registry' },
      promotionMethod,
      discoveryUrl: fake.url,
    });
  }

  /** Lists the requests the server received: the operation ID, `poll` for a long-running operation status, else method and path. */
  function armCalls(): string[] {
    return fake.requests.map((request) => request.operationId ?? (request.path.startsWith('/operations/') ? 'poll' : `${request.method} ${request.path.split('?')[0]}`));
  }

  before(async () => {
    tls = await createTestTls();
  });

  after(async () => {
    await tls.remove();
  });

  beforeEach(async () => {
    lines = [];
    fake = await startFakeAzure(tls, { tenantId: 'tenant', principals: [], retryAfterSeconds: 10, pollsBeforeDone: 1 });
    fake.addWorkspace(SUBSCRIPTION, 'rg-ml', 'ws-plants');
    fake.addRegistry(SUBSCRIPTION, 'rg-shared', 'plant-registry');
    fake.addWorkspaceModel(SUBSCRIPTION, 'rg-ml', 'ws-plants', 'plant001-circuit01-model', '5');
    fake.addWorkspaceModel(SUBSCRIPTION, 'rg-ml', 'ws-plants', 'plant001-circuit02-model', '3');
  });

  afterEach(async () => {
    assert.deepEqual(fake.violations, []);
    await fake.stop();
  });

  it('names the registry and workspace in target', () => {
    assert.equal(registry().target, 'plant-registry in rg-shared (from workspace ws-plants)');
  });

  it('lookup reports a missing version', async () => {
    assert.deepEqual(await registry().lookup(model('plant001-circuit01-model', '5'), context), { exists: false });
  });

  it('lookup links an existing version', async () => {
    fake.addRegistryVersion(SUBSCRIPTION, 'rg-shared', 'plant-registry', 'plant001-circuit01-model', '5');

    const found = await registry().lookup(model('plant001-circuit01-model', '5'), context);

    assert.equal(found.exists, true);
    assert.equal(found.url, `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-shared/providers/Microsoft.MachineLearningServices/registries/plant-registry/models/plant001-circuit01-model/versions/5`);
  });

  it('promote publishes a new version', async () => {
    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context);

    assert.equal(outcome.status, 'promoted');
    assert.match(outcome.url ?? '', /\/registries\/plant-registry\/models\/plant001-circuit01-model\/versions\/5$/);
    assert.deepEqual(armCalls(), ['RegistryModelVersions_Get', 'ModelVersions_Get', 'ModelVersions_Publish', 'poll', 'poll']);
    assert.equal(outcome.attempts, 5);
    assert.ok(fake.hasRegistryVersion(SUBSCRIPTION, 'rg-shared', 'plant-registry', 'plant001-circuit01-model', '5'));
    assert.ok(lines.some((line) => line.includes('with the publish method')));
  });

  it('promote skips a version already there', async () => {
    fake.addRegistryVersion(SUBSCRIPTION, 'rg-shared', 'plant-registry', 'plant001-circuit01-model', '5');

    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context);

    assert.equal(outcome.status, 'already_promoted');
    assert.equal(outcome.attempts, 1);
    assert.deepEqual(armCalls(), ['RegistryModelVersions_Get']);
  });

  it('promote counts retried attempts', async () => {
    fake.addFault({ method: 'POST', pathIncludes: '/publish', status: 503, retryAfter: '0', times: 2 });

    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context);

    assert.equal(outcome.status, 'promoted');
    assert.equal(outcome.attempts, 7);
  });

  it('promote treats 409 as already promoted', async () => {
    fake.raceOnPublish.add('plant001-circuit01-model');

    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context);

    assert.equal(outcome.status, 'already_promoted');
    assert.ok(lines.some((line) => line.includes('HTTP 409')));
  });

  it('promote fails for a version missing from the workspace', async () => {
    await assert.rejects(registry().promote(model('plant001-circuit01-model', '6'), context), (error: unknown) => {
      assert.ok(error instanceof AzureMlError);
      assert.equal(error.code, 'AZUREML_SOURCE_NOT_FOUND');
      assert.match(error.message, /plant001-circuit01-model:6 is not in workspace ws-plants/);
      return true;
    });
    assert.deepEqual(armCalls(), ['RegistryModelVersions_Get', 'ModelVersions_Get']);
  });

  it('promote rejects an invalid name before any call', async () => {
    await assert.rejects(registry().promote(model('plant001.circuit01', '5'), context), (error: unknown) => {
      assert.ok(error instanceof AzureMlError);
      assert.equal(error.code, 'AZUREML_INVALID_NAME');
      assert.match(error.message, /"plant001\.circuit01"/);
      assert.match(error.message, /no dots/);
      return true;
    });
    assert.deepEqual(fake.requests, []);
  });

  it('checkModels lists every bad name and version', () => {
    const problems = registry().checkModels([model('ok-model', '1'), model('-leading-dash', '2'), model('fine', '0'), model('fine', 'v2'), model('x'.repeat(256), '1')]);

    assert.deepEqual(
      problems.map((problem) => `${problem.location} ${problem.message}`),
      [
        'PLANT001:-leading-dash:2 Invalid Azure Machine Learning model name',
        'PLANT001:fine:0 Invalid Azure Machine Learning model version',
        'PLANT001:fine:v2 Invalid Azure Machine Learning model version',
        `PLANT001:${'x'.repeat(256)}:1 Invalid Azure Machine Learning model name`,
      ],
    );
  });

  it('listRunModels returns the tagged versions', async () => {
    fake.addWorkspaceModel(SUBSCRIPTION, 'rg-ml', 'ws-plants', 'plant002-circuit05-model', '2', { run_id: '7' });
    fake.addWorkspaceModel(SUBSCRIPTION, 'rg-ml', 'ws-plants', 'plant002-circuit05-model', '3', { run_id: '8' });

    const models = await registry().listRunModels({ tags: 'run_id=7', plantIdPattern: /^(plant\d+)-/ }, context.log);

    assert.deepEqual(models, [{ plantId: 'PLANT002', modelName: 'plant002-circuit05-model', version: '2', tags: { run_id: '7' }, metrics: {} }]);
  });

  it('listRunModels rejects an empty result', async () => {
    await assert.rejects(registry().listRunModels({ tags: 'run_id=nothing' }, context.log), (error: unknown) => {
      assert.ok(error instanceof ModelsFileError);
      assert.match(error.message, /The query found no model version/);
      assert.match(error.message, /tagged run_id=nothing \(input modelsTags\)/);
      return true;
    });
  });

  it('import reads the workspace and discovery once', async () => {
    const adapter = registry('import');

    const outcomes = await Promise.all([adapter.promote(model('plant001-circuit01-model', '5'), context), adapter.promote(model('plant001-circuit02-model', '3'), context)]);

    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['promoted', 'promoted']);
    assert.equal(armCalls().filter((call) => call === 'Workspaces_Get').length, 1);
    assert.equal(fake.requests.filter((request) => request.path.includes('/discovery')).length, 1);
    assert.equal(fake.registryVersions.get(`${SUBSCRIPTION}/rg-shared/plant-registry/plant001-circuit02-model/3`)?.createdBy, 'import');
  });
});
