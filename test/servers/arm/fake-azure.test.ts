import * as assert from 'node:assert/strict';

import type { FakeAzure } from './fake-azure';
import { createTestTls, startFakeAzure, type TestTls } from './fake-azure-setup';

const SUBSCRIPTION = '0b1f6471-1bf0-4dda-aec3-111122223333';
const PUBLISH_PATH = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-plants/models/m1/versions/1/publish`;

/** Checks that the fake ARM server rejects requests the specification does not allow, so client tests can fail. */
describe('FakeAzure', () => {
  let tls: TestTls;
  let fake: FakeAzure;
  let token: string;

  async function post(path: string, body: unknown, authorization = `Bearer ${token}`): Promise<{ status: number; body: { error?: { code?: string; message?: string } } }> {
    const response = await tls.fetch(`${fake.url}${path}`, { method: 'POST', headers: { Authorization: authorization, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { error?: { code?: string; message?: string } } };
  }

  before(async () => {
    tls = await createTestTls();
  });

  after(async () => {
    await tls.remove();
  });

  beforeEach(async () => {
    fake = await startFakeAzure(tls, { tenantId: 'tenant', principals: [] });
    fake.addWorkspace(SUBSCRIPTION, 'rg-ml', 'ws-plants');
    fake.addWorkspaceModel(SUBSCRIPTION, 'rg-ml', 'ws-plants', 'm1', '1');
    token = fake.issueAccessToken();
  });

  afterEach(async () => {
    await fake.stop();
  });

  it('rejects a body outside the specification', async () => {
    const response = await post(`${PUBLISH_PATH}?api-version=2024-04-01`, { registryName: 'r1', destinationName: 'm1', destinationVersion: '1', overwrite: true });

    assert.equal(response.status, 400);
    assert.match(response.body.error?.message ?? '', /must NOT have additional properties/);
    assert.equal(fake.violations.length, 1);
  });

  it('rejects a missing api-version', async () => {
    const response = await post(PUBLISH_PATH, { registryName: 'r1' });

    assert.equal(response.status, 400);
    assert.match(fake.violations[0] ?? '', /query parameter api-version is required/);
  });

  it('rejects another api-version', async () => {
    const response = await post(`${PUBLISH_PATH}?api-version=2023-10-01`, { registryName: 'r1' });

    assert.equal(response.status, 400);
    assert.match(fake.violations[0] ?? '', /api-version 2023-10-01 instead of 2024-04-01/);
  });

  it('rejects a workspace name breaking its pattern', async () => {
    const response = await post(`${PUBLISH_PATH.replace('ws-plants', 'w')}?api-version=2024-04-01`, { registryName: 'r1' });

    assert.equal(response.status, 400);
    assert.match(fake.violations[0] ?? '', /workspaceName="w" does not match/);
  });

  it('rejects a token it did not issue', async () => {
    const response = await post(`${PUBLISH_PATH}?api-version=2024-04-01`, { registryName: 'r1' }, 'Bearer forged-token');

    assert.equal(response.status, 401);
    assert.equal(response.body.error?.code, 'InvalidAuthenticationToken');
  });

  it('records a path outside the specification', async () => {
    const response = await post(`/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ws-plants/models/m1/versions/1/share?api-version=2024-04-01`, {});

    assert.equal(response.status, 404);
    assert.match(fake.violations[0] ?? '', /no operation of the specification matches/);
  });
});
