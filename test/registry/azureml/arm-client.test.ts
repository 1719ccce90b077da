import * as assert from 'node:assert/strict';

import { ArmClient, type RegistryScope, type WorkspaceScope } from '../../../src/registry/azureml/arm-client';
import { AzureMlError } from '../../../src/registry/azureml/azureml-error';
import type { FakeAzure } from '../../servers/arm/fake-azure';
import { createTestTls, startFakeAzure, type TestTls } from '../../servers/arm/fake-azure-setup';

const SUBSCRIPTION = '0b1f6471-1bf0-4dda-aec3-111122223333';
const WORKSPACE: WorkspaceScope = { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-ml', workspaceName: 'ws-plants' };
const REGISTRY: RegistryScope = { subscriptionId: SUBSCRIPTION, resourceGroup: 'rg-shared', registryName: 'plant-registry' };

describe('ArmClient', () => {
  let tls: TestTls;
  let fake: FakeAzure;
  let sleeps: number[];
  let lines: string[];

  /** Creates a client whose sleeps only advance a virtual clock, so Retry-After values are checked without waiting. */
  function client(overrides: { maxPollMs?: number } = {}): ArmClient {
    const token = fake.issueAccessToken();
    let clock = 0;
    const now = (): number => clock;
    const sleep = async (ms: number): Promise<void> => {
      sleeps.push(ms);
      clock += ms;
    };
    return new ArmClient({
      armUrl: `${fake.url}/`,
      http: { fetch: tls.fetch, retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50, maxTotalMs: 60_000 }, timeoutMs: 10_000, authorization: async () => `Bearer ${token}`, sleep, now },
      defaultPollDelayMs: 5_000,
      maxPollMs: overrides.maxPollMs ?? 600_000,
      sleep,
      now,
    });
  }

  const log = (line: string): void => {
    lines.push(line);
  };

  before(async () => {
    tls = await createTestTls();
  });

  after(async () => {
    await tls.remove();
  });

  beforeEach(async () => {
    fake = await startFakeAzure(tls, { tenantId: 'tenant-1', principals: [], retryAfterSeconds: 10, pollsBeforeDone: 2, pageSize: 1 });
    fake.addWorkspace(SUBSCRIPTION, 'rg-ml', 'ws-plants');
    fake.addRegistry(SUBSCRIPTION, 'rg-shared', 'plant-registry');
    fake.addWorkspaceModel(SUBSCRIPTION, 'rg-ml', 'ws-plants', 'plant001-circuit01-model', '5', { plant_id: 'PLANT001' });
    sleeps = [];
    lines = [];
  });

  afterEach(async () => {
    assert.deepEqual(fake.violations, []);
    await fake.stop();
  });

  it('getRegistryModelVersion returns undefined on 404', async () => {
    const found = await client().getRegistryModelVersion(REGISTRY, 'plant001-circuit01-model', '5');

    assert.equal(found, undefined);
  });

  it('getRegistryModelVersion returns the version on 200', async () => {
    fake.addRegistryVersion(SUBSCRIPTION, 'rg-shared', 'plant-registry', 'plant001-circuit01-model', '5');

    const found = await client().getRegistryModelVersion(REGISTRY, 'plant001-circuit01-model', '5');

    assert.match(found?.id ?? '', /registries\/plant-registry\/models\/plant001-circuit01-model\/versions\/5$/);
  });

  it('publishModelVersion polls Location honouring Retry-After', async () => {
    const result = await client().publishModelVersion(WORKSPACE, 'plant001-circuit01-model', '5', { registryName: 'plant-registry', destinationName: 'plant001-circuit01-model', destinationVersion: '5' }, { log });

    assert.equal(result, 'completed');
    assert.deepEqual(sleeps, [10_000, 10_000, 10_000]);
    assert.ok(fake.hasRegistryVersion(SUBSCRIPTION, 'rg-shared', 'plant-registry', 'plant001-circuit01-model', '5'));
    assert.equal(fake.requests.filter((request) => request.path.startsWith('/operations/')).length, 3);
  });

  it('publishModelVersion returns conflict on 409', async () => {
    fake.raceOnPublish.add('plant001-circuit01-model');

    const result = await client().publishModelVersion(WORKSPACE, 'plant001-circuit01-model', '5', { registryName: 'plant-registry', destinationName: 'plant001-circuit01-model', destinationVersion: '5' });

    assert.equal(result, 'conflict');
  });

  it('publishModelVersion retries 429 and connection resets', async () => {
    fake.addFault({ method: 'POST', pathIncludes: '/publish', status: 429, retryAfter: '3', times: 1 });
    fake.addFault({ method: 'POST', pathIncludes: '/publish', reset: true, times: 1 });

    const result = await client().publishModelVersion(WORKSPACE, 'plant001-circuit01-model', '5', { registryName: 'plant-registry', destinationName: 'plant001-circuit01-model', destinationVersion: '5' }, { log });

    assert.equal(result, 'completed');
    assert.equal(sleeps[0], 3_000);
    assert.ok(lines.some((line) => line.includes('attempt 1 HTTP 429')));
    assert.ok(lines.some((line) => line.includes('attempt 2 failed (ECONNRESET)')));
    assert.ok(lines.some((line) => line.includes('attempt 3 HTTP 202')));
  });

  it('publishModelVersion fails after repeated 500s', async () => {
    fake.addFault({ method: 'POST', pathIncludes: '/publish', status: 500, times: Infinity, message: 'Backend down ##vso[task.setvariable variable=x]1' });

    const error = await client()
      .publishModelVersion(WORKSPACE, 'plant001-circuit01-model', '5', { registryName: 'plant-registry', destinationName: 'plant001-circuit01-model', destinationVersion: '5' })
      .catch((caught: unknown) => caught);

    assert.ok(error instanceof AzureMlError);
    assert.equal(error.status, 500);
    assert.equal(error.retryable, true);
    assert.equal(error.armCode, 'InternalServerError');
    assert.match(error.requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.match(error.message, /HTTP 500: InternalServerError/);
    assert.ok(!error.message.includes('##vso['));
    assert.equal(fake.requests.filter((request) => request.path.includes('/publish')).length, 4);
  });

  it('publishModelVersion stops polling at maxPollMs', async () => {
    await assert.rejects(
      client({ maxPollMs: 15_000 }).publishModelVersion(WORKSPACE, 'plant001-circuit01-model', '5', { registryName: 'plant-registry', destinationName: 'plant001-circuit01-model', destinationVersion: '5' }),
      (error: unknown) => error instanceof AzureMlError && error.code === 'AZUREML_OPERATION_TIMEOUT',
    );
  });

  it('getWorkspaceModelVersion reports 403 with the next step', async () => {
    fake.addFault({ method: 'GET', pathIncludes: '/workspaces/ws-plants/models/', status: 403, times: 1, message: 'The client does not have authorization' });

    await assert.rejects(client().getWorkspaceModelVersion(WORKSPACE, 'plant001-circuit01-model', '5'), (error: unknown) => {
      assert.ok(error instanceof AzureMlError);
      assert.equal(error.status, 403);
      assert.equal(error.retryable, false);
      assert.match(error.message, /"The client does not have authorization"/);
      assert.match(error.message, /AzureML Registry User/);
      return true;
    });
  });

  it('listWorkspaceModelVersions follows nextLink and filters tags', async () => {
    fake.addWorkspaceModel(SUBSCRIPTION, 'rg-ml', 'ws-plants', 'plant001-circuit01-model', '6', { plant_id: 'PLANT001' });
    fake.addWorkspaceModel(SUBSCRIPTION, 'rg-ml', 'ws-plants', 'plant001-circuit01-model', '7', { plant_id: 'PLANT009' });
    fake.addWorkspaceModel(SUBSCRIPTION, 'rg-ml', 'ws-plants', 'plant002-circuit05-model', '2', { plant_id: 'PLANT001', run_id: '42' });

    const versions = await client().listWorkspaceModelVersions(WORKSPACE, 'plant_id=PLANT001');

    assert.deepEqual(
      versions.map((version) => `${version.name}:${version.version}`),
      ['plant001-circuit01-model:5', 'plant001-circuit01-model:6', 'plant002-circuit05-model:2'],
    );
    assert.deepEqual(versions[2]?.tags, { plant_id: 'PLANT001', run_id: '42' });
    assert.ok(fake.requests.some((request) => request.path.includes('%24skip=1')));
  });

  it('importModelVersion discovers the registry and polls', async () => {
    const armClient = client();
    const workspace = await armClient.getWorkspace(WORKSPACE);
    const discovery = await armClient.discoverRegistry(fake.url, 'plant-registry');

    const result = await armClient.importModelVersion(discovery, 'plant-registry', {
      sourceAssetId: `azureml://locations/${workspace.location}/workspaces/${workspace.workspaceId}/models/plant001-circuit01-model/versions/5`,
      destinationName: 'plant001-circuit01-model',
      destinationVersion: '5',
    });

    assert.equal(result, 'completed');
    assert.ok(fake.hasRegistryVersion(SUBSCRIPTION, 'rg-shared', 'plant-registry', 'plant001-circuit01-model', '5'));
    assert.equal(fake.registryVersions.get(`${SUBSCRIPTION}/rg-shared/plant-registry/plant001-circuit01-model/5`)?.createdBy, 'import');
  });
});
