import * as assert from 'node:assert/strict';

import { FakeMlflowServer } from './mlflow-server';

const TOKEN = 'server-test-token';

/** Checks that the fake rejects what a real MLflow server rejects, so adapter tests can fail. */
describe('FakeMlflowServer', () => {
  let server: FakeMlflowServer;
  let base: string;

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
    const allHeaders: Record<string, string> = { Authorization: `Bearer ${TOKEN}` };
    let text: string | undefined;
    if (body !== undefined) {
      text = typeof body === 'string' ? body : JSON.stringify(body);
      allHeaders['Content-Type'] = 'application/json';
    }
    const response = await fetch(`${base}/api/2.0/mlflow/${path}`, { method, headers: { ...allHeaders, ...headers }, body: text });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  beforeEach(async () => {
    server = new FakeMlflowServer(TOKEN, '/mlflow/v1.0/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws');
    base = await server.start();
    server.seedModel('source-model', [{ version: '1' }]);
  });

  afterEach(async () => {
    await server.stop();
  });

  const rejected: Array<{ label: string; method: string; path: string; body?: unknown; status: number; errorCode: string; message: RegExp }> = [
    { label: 'a missing name', method: 'POST', path: 'registered-models/create', body: {}, status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: /required parameter 'name'/ },
    { label: 'an empty name', method: 'POST', path: 'registered-models/create', body: { name: '' }, status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: /required parameter 'name'/ },
    { label: 'a numeric name', method: 'POST', path: 'registered-models/create', body: { name: 5 }, status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: /parameter 'name'/ },
    { label: 'tags that are not a list', method: 'POST', path: 'registered-models/create', body: { name: 'a', tags: { k: 'v' } }, status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: /parameter 'tags'/ },
    { label: 'a tag without key', method: 'POST', path: 'model-versions/create', body: { name: 'source-model', source: 's3://b/m', tags: [{ value: 'v' }] }, status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: /Invalid tag/ },
    { label: 'a missing source', method: 'POST', path: 'model-versions/create', body: { name: 'source-model' }, status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: /required parameter 'source'/ },
    { label: 'an unknown model', method: 'POST', path: 'model-versions/create', body: { name: 'nope', source: 's3://b/m' }, status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST', message: /name=nope not found/ },
    { label: 'a models:/ source that does not exist', method: 'POST', path: 'model-versions/create', body: { name: 'source-model', source: 'models:/source-model/9' }, status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST', message: /version=9/ },
    { label: 'a duplicate model', method: 'POST', path: 'registered-models/create', body: { name: 'source-model' }, status: 400, errorCode: 'RESOURCE_ALREADY_EXISTS', message: /already exists/ },
    { label: 'a version that does not exist', method: 'GET', path: 'model-versions/get?name=source-model&version=2', status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST', message: /version=2/ },
    { label: 'a get without version', method: 'GET', path: 'model-versions/get?name=source-model', status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: /required parameter 'version'/ },
    { label: 'a reserved alias', method: 'POST', path: 'registered-models/alias', body: { name: 'source-model', alias: 'v1', version: '1' }, status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: /reserved/ },
    { label: 'an alias without version', method: 'POST', path: 'registered-models/alias', body: { name: 'source-model', alias: 'champion' }, status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: /required parameter 'version'/ },
    { label: 'an unknown alias', method: 'GET', path: 'registered-models/alias?name=source-model&alias=champion', status: 404, errorCode: 'RESOURCE_DOES_NOT_EXIST', message: /alias champion not found/ },
    { label: 'a filter it cannot read', method: 'GET', path: 'model-versions/search?filter=tags.a%3D1', status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: /Invalid filter/ },
    { label: 'a max_results that is not a number', method: 'GET', path: 'model-versions/search?max_results=many', status: 400, errorCode: 'INVALID_PARAMETER_VALUE', message: /max_results/ },
    { label: 'an unknown endpoint', method: 'GET', path: 'registered-models/list-all', status: 404, errorCode: 'ENDPOINT_NOT_FOUND', message: /No API found/ },
  ];
  for (const { label, method, path, body, status, errorCode, message } of rejected) {
    it(`rejects ${label}`, async () => {
      const response = await call(method, path, body);
      assert.equal(response.status, status);
      assert.equal(response.json.error_code, errorCode);
      assert.match(String(response.json.message), message);
    });
  }

  it('rejects a body that is not JSON', async () => {
    const response = await call('POST', 'registered-models/create', '{name', {});
    assert.equal(response.status, 400);
    assert.equal(response.json.error_code, 'BAD_REQUEST');
  });

  it('rejects a POST without JSON content type', async () => {
    const response = await call('POST', 'registered-models/create', JSON.stringify({ name: 'x' }), { 'Content-Type': 'text/plain' });
    assert.equal(response.status, 400);
    assert.equal(response.json.error_code, 'INVALID_PARAMETER_VALUE');
  });

  it('rejects the wrong method', async () => {
    const response = await call('GET', 'model-versions/create?name=source-model');
    assert.equal(response.status, 405);
  });

  it('rejects a missing token', async () => {
    const response = await call('GET', 'registered-models/get?name=source-model', undefined, { Authorization: '' });
    assert.equal(response.status, 401);
    assert.equal(response.json.error_code, 'UNAUTHENTICATED');
  });

  it('answers with proto-shaped versions', async () => {
    const created = await call('POST', 'model-versions/create', { name: 'source-model', source: 's3://bucket/model', run_id: 'r1', tags: [{ key: 'k', value: 'v' }] });
    const version = created.json.model_version as Record<string, unknown>;

    assert.equal(created.status, 200);
    assert.equal(version.name, 'source-model');
    assert.equal(version.version, '2');
    assert.equal(version.status, 'READY');
    assert.equal(version.run_id, 'r1');
    assert.equal(typeof version.creation_timestamp, 'number');
    assert.deepEqual(version.tags, [{ key: 'k', value: 'v' }]);
    assert.deepEqual(version.aliases, []);
  });

  it('pages search results with next_page_token', async () => {
    server.seedModel('many', [{ version: '1' }, { version: '2' }, { version: '3' }]);

    const first = await call('GET', `model-versions/search?filter=${encodeURIComponent("name='many'")}&max_results=2`);
    const second = await call('GET', `model-versions/search?filter=${encodeURIComponent("name='many'")}&max_results=2&page_token=${String(first.json.next_page_token)}`);

    assert.equal((first.json.model_versions as unknown[]).length, 2);
    assert.equal(typeof first.json.next_page_token, 'string');
    assert.equal((second.json.model_versions as unknown[]).length, 1);
    assert.equal(second.json.next_page_token, undefined);
  });

  it('injects a status with Retry-After', async () => {
    server.inject('registered-models/get', { kind: 'status', status: 429, retryAfter: '4' });

    const response = await fetch(`${base}/api/2.0/mlflow/registered-models/get?name=source-model`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const again = await call('GET', 'registered-models/get?name=source-model');

    assert.equal(response.status, 429);
    assert.equal(response.headers.get('retry-after'), '4');
    assert.equal(((await response.json()) as { error_code: string }).error_code, 'REQUEST_LIMIT_EXCEEDED');
    assert.equal(again.status, 200);
  });
});
