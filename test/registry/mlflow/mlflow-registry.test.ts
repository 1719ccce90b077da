import * as assert from 'node:assert/strict';

import type { RegisteredModel } from '../../../src/models/registered-model';
import type { RegistryCallContext } from '../../../src/registry/model-registry';
import { MlflowError } from '../../../src/registry/mlflow/mlflow-error';
import { createMlflowRegistry, PROMOTED_BY, type MlflowRegistry, type MlflowRegistryDeps } from '../../../src/registry/mlflow/mlflow-registry';
import { SecretText } from '../../../src/text/secret-text';
import type { MlflowPromotionMode, MlflowRegistryConfig } from '../../../src/registry/registry-config';
import { FakeMlflowServer } from '../../servers/mlflow/mlflow-server';

const TOKEN = 'dapi-test-token-0123456789';

function model(name: string, version: string, plantId = 'PLANT001'): RegisteredModel {
  return { plantId, modelName: name, version, tags: {}, metrics: {} };
}

describe('MlflowRegistry', () => {
  let server: FakeMlflowServer;
  let baseUrl: string;
  let secrets: string[];
  let sleeps: number[];
  let lines: string[];

  const context = (): RegistryCallContext => ({
    log: (line) => lines.push(line),
    approval: { key: 'k', rule: 'approved', reason: 'approved in approval_status.json', approvedBy: ['alice@company.com'], approvalFileSha256: 'ab'.repeat(32) },
  });

  function registry(overrides: Partial<MlflowRegistryConfig> = {}, deps: Partial<MlflowRegistryDeps> = {}): MlflowRegistry {
    const config: MlflowRegistryConfig = {
      type: 'mlflow',
      trackingUrl: baseUrl,
      authorization: new SecretText(`Bearer ${TOKEN}`, [TOKEN]),
      connectionId: 'conn-1',
      mode: 'copyAndAlias',
      targetModelName: '{model_name}-promoted',
      alias: 'champion',
      ...overrides,
    };
    return createMlflowRegistry(config, {
      fetch,
      setSecret: (value) => secrets.push(value),
      retry: { maxAttempts: 4, baseDelayMs: 5, maxDelayMs: 20, maxTotalMs: 10_000 },
      timeoutMs: 2_000,
      pollIntervalMs: 7,
      // Records waits instead of sleeping; every request still goes to the server.
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...deps,
    });
  }

  beforeEach(async () => {
    server = new FakeMlflowServer(TOKEN);
    baseUrl = await server.start();
    server.seedModel('plant001-circuit01-model', [
      { version: '4', runId: 'run4' },
      { version: '5', runId: 'run5', tags: { accuracy: '0.93', plant_id: 'wrong' } },
    ]);
    secrets = [];
    sleeps = [];
    lines = [];
  });

  afterEach(async () => {
    await server.stop();
  });

  it('registers the token with setSecret', () => {
    registry();
    assert.ok(secrets.includes(TOKEN));
    assert.ok(secrets.includes(`Bearer ${TOKEN}`));
  });

  it('copies the version into the target model', async () => {
    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(outcome.status, 'promoted');
    const target = server.getModel('plant001-circuit01-model-promoted');
    assert.equal(target.versions.length, 1);
    const copy = target.versions[0];
    assert.equal(copy?.source, 'models:/plant001-circuit01-model/5');
    assert.equal(copy?.run_id, 'run5');
    assert.equal(outcome.url, `${baseUrl}/#/models/plant001-circuit01-model-promoted/versions/1`);
    assert.ok((outcome.attempts ?? 0) >= 5, `attempts ${outcome.attempts}`);
  });

  it('tags the copy with plant, key and approval', async () => {
    await registry().promote(model('plant001-circuit01-model', '5'), context());

    const tags = Object.fromEntries(server.getVersion('plant001-circuit01-model-promoted', '1').tags.map((tag) => [tag.key, tag.value]));
    assert.equal(tags.plant_id, 'PLANT001');
    assert.equal(tags.approval_key, 'PLANT001:plant001-circuit01-model:5');
    assert.equal(tags.promoted_by, PROMOTED_BY);
    assert.equal(tags.approval_rule, 'approved');
    assert.equal(tags.approved_by, 'alice@company.com');
    assert.equal(tags.approval_file_sha256, 'ab'.repeat(32));
    assert.equal(tags.accuracy, '0.93', 'source tags are copied');
  });

  it('points the alias at the copy', async () => {
    await registry().promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(server.getModel('plant001-circuit01-model-promoted').aliases.get('champion'), '1');
    assert.ok(lines.some((line) => line.includes('now points at version 1')), lines.join('\n'));
  });

  it('finds nothing before the first promotion', async () => {
    const lookup = await registry().lookup(model('plant001-circuit01-model', '5'), context());

    assert.equal(lookup.exists, false);
  });

  it('reports already_promoted on re-promotion', async () => {
    const adapter = registry();
    await adapter.promote(model('plant001-circuit01-model', '5'), context());

    const lookup = await adapter.lookup(model('plant001-circuit01-model', '5'), context());
    const again = await adapter.promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(lookup.exists, true);
    assert.equal(lookup.url, `${baseUrl}/#/models/plant001-circuit01-model-promoted/versions/1`);
    assert.equal(again.status, 'already_promoted');
    assert.equal(server.getModel('plant001-circuit01-model-promoted').versions.length, 1);
    assert.equal(server.requestsTo('model-versions/create').length, 1);
  });

  it('sets a missing alias on an existing copy', async () => {
    await registry({ mode: 'copy' }).promote(model('plant001-circuit01-model', '5'), context());
    const adapter = registry();

    const lookup = await adapter.lookup(model('plant001-circuit01-model', '5'), context());
    const outcome = await adapter.promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(lookup.exists, false);
    assert.equal(outcome.status, 'promoted');
    assert.equal(server.getModel('plant001-circuit01-model-promoted').versions.length, 1);
    assert.equal(server.getModel('plant001-circuit01-model-promoted').aliases.get('champion'), '1');
  });

  it('never moves the alias backwards', async () => {
    const adapter = registry();
    await adapter.promote(model('plant001-circuit01-model', '5'), context());
    await adapter.promote(model('plant001-circuit01-model', '4'), context());

    const target = server.getModel('plant001-circuit01-model-promoted');
    assert.equal(target.versions.length, 2);
    assert.equal(target.aliases.get('champion'), '1', 'the alias stays on the copy of version 5');
  });

  it('sets no alias in copy mode', async () => {
    const outcome = await registry({ mode: 'copy', alias: undefined }).promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(outcome.status, 'promoted');
    assert.equal(server.getModel('plant001-circuit01-model-promoted').aliases.size, 0);
    assert.equal(server.requestsTo('registered-models/alias').length, 0);
  });

  it('aliases the source version in alias mode', async () => {
    const adapter = registry({ mode: 'alias' });

    const before = await adapter.lookup(model('plant001-circuit01-model', '5'), context());
    const outcome = await adapter.promote(model('plant001-circuit01-model', '5'), context());
    const after = await adapter.lookup(model('plant001-circuit01-model', '5'), context());
    const again = await adapter.promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(before.exists, false);
    assert.equal(outcome.status, 'promoted');
    assert.equal(after.exists, true);
    assert.equal(again.status, 'already_promoted');
    assert.equal(server.models.has('plant001-circuit01-model-promoted'), false);
    const source = server.getModel('plant001-circuit01-model');
    assert.equal(source.aliases.get('champion'), '5');
    const tags = Object.fromEntries(server.getVersion('plant001-circuit01-model', '5').tags.map((tag) => [tag.key, tag.value]));
    assert.equal(tags.approval_key, 'PLANT001:plant001-circuit01-model:5');
  });

  it('keeps a newer alias in alias mode', async () => {
    const adapter = registry({ mode: 'alias' });
    await adapter.promote(model('plant001-circuit01-model', '5'), context());

    const lookup = await adapter.lookup(model('plant001-circuit01-model', '4'), context());
    const outcome = await adapter.promote(model('plant001-circuit01-model', '4'), context());

    assert.equal(lookup.exists, true);
    assert.equal(outcome.status, 'already_promoted');
    assert.equal(server.getModel('plant001-circuit01-model').aliases.get('champion'), '5');
  });

  const modes: MlflowPromotionMode[] = ['copy', 'copyAndAlias', 'alias'];
  for (const mode of modes) {
    it(`fails for a missing source in ${mode} mode`, async () => {
      await assert.rejects(registry({ mode }).promote(model('plant001-circuit01-model', '9'), context()), (error: unknown) => {
        assert.ok(error instanceof MlflowError);
        assert.equal(error.code, 'MLFLOW_SOURCE_NOT_FOUND');
        assert.match(error.message, /"plant001-circuit01-model" version "9" was not found/);
        return true;
      });
    });
  }

  it('rejects a source that is not READY', async () => {
    server.seedModel('plant002-circuit05-model', [{ version: '2', status: 'FAILED_REGISTRATION' }]);

    await assert.rejects(registry().promote(model('plant002-circuit05-model', '2', 'PLANT002'), context()), (error: unknown) => {
      assert.ok(error instanceof MlflowError);
      assert.equal(error.code, 'MLFLOW_SOURCE_NOT_READY');
      return true;
    });
    assert.equal(server.requestsTo('model-versions/create').length, 0);
  });

  it('tolerates a target model that already exists', async () => {
    server.seedModel('plant001-circuit01-model-promoted', [{ version: '1' }]);

    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(outcome.status, 'promoted');
    assert.equal(server.getModel('plant001-circuit01-model-promoted').versions.length, 2);
    assert.equal(server.getModel('plant001-circuit01-model-promoted').aliases.get('champion'), '2');
  });

  it('retries 429 with Retry-After', async () => {
    server.inject('model-versions/search', { kind: 'status', status: 429, retryAfter: '2' }, 2);

    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(outcome.status, 'promoted');
    assert.deepEqual(
      sleeps.filter((ms) => ms === 2_000),
      [2_000, 2_000],
    );
    assert.ok(lines.some((line) => /model-versions\/search\?.*attempt 1 HTTP 429/.test(line)), lines.join('\n'));
    assert.ok(lines.some((line) => /attempt 3 HTTP 200/.test(line)), lines.join('\n'));
  });

  it('retries 500 on reads', async () => {
    server.inject('model-versions/get', { kind: 'status', status: 500 }, 3);

    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(outcome.status, 'promoted');
    assert.equal(server.requestsTo('model-versions/get').length, 4);
  });

  it('fails after 500 on every attempt', async () => {
    server.inject('model-versions/get', { kind: 'status', status: 500 }, 10);

    await assert.rejects(registry().promote(model('plant001-circuit01-model', '5'), context()), (error: unknown) => {
      assert.ok(error instanceof MlflowError);
      assert.equal(error.status, 500);
      assert.equal(error.errorCode, 'INTERNAL_ERROR');
      assert.equal(error.retryable, true);
      assert.match(error.message, /after 4 attempts/);
      return true;
    });
    assert.equal(server.requestsTo('model-versions/get').length, 4);
  });

  it('creates no duplicate after an applied create fails', async () => {
    server.inject('model-versions/create', { kind: 'applyThenFail' });

    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(outcome.status, 'promoted');
    assert.equal(server.requestsTo('model-versions/create').length, 1);
    assert.equal(server.getModel('plant001-circuit01-model-promoted').versions.length, 1);
    assert.ok(lines.some((line) => line.includes('The server had created version 1')), lines.join('\n'));
  });

  it('creates again after a create that was not applied', async () => {
    server.inject('model-versions/create', { kind: 'status', status: 500 });

    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(outcome.status, 'promoted');
    assert.equal(server.requestsTo('model-versions/create').length, 2);
    assert.equal(server.getModel('plant001-circuit01-model-promoted').versions.length, 1);
  });

  it('searches after a create that timed out', async () => {
    server.inject('model-versions/create', { kind: 'hang' });

    const outcome = await registry({}, { timeoutMs: 200 }).promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(outcome.status, 'promoted');
    assert.equal(server.requestsTo('model-versions/create').length, 2);
    assert.equal(server.getModel('plant001-circuit01-model-promoted').versions.length, 1);
    assert.ok(lines.some((line) => /model-versions\/create.*not retried because the request may have been applied/.test(line)), lines.join('\n'));
  });

  it('retries a reset connection', async () => {
    server.inject('registered-models/alias', { kind: 'reset' });

    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(outcome.status, 'promoted');
    assert.ok(lines.some((line) => /registered-models\/alias.*attempt 1 failed/.test(line)), lines.join('\n'));
  });

  it('times out a hanging request', async () => {
    server.inject('registered-models/get', { kind: 'hang' });
    server.inject('model-versions/get', { kind: 'hang' });

    const outcome = await registry({}, { timeoutMs: 200 }).promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(outcome.status, 'promoted');
    assert.ok(lines.some((line) => /model-versions\/get.*attempt 1 failed \(timed out\)/.test(line)), lines.join('\n'));
  });

  it('fails on FAILED_REGISTRATION', async () => {
    server.registration.set('plant001-circuit01-model-promoted', { pendingPolls: 1, settlesAs: 'FAILED_REGISTRATION', statusMessage: 'artifact copy failed' });

    await assert.rejects(registry().promote(model('plant001-circuit01-model', '5'), context()), (error: unknown) => {
      assert.ok(error instanceof MlflowError);
      assert.equal(error.code, 'MLFLOW_REGISTRATION_FAILED');
      assert.match(error.message, /FAILED_REGISTRATION: "artifact copy failed"/);
      return true;
    });
    assert.equal(server.getModel('plant001-circuit01-model-promoted').aliases.size, 0, 'no alias on a failed version');
  });

  it('creates again after FAILED_REGISTRATION', async () => {
    server.registration.set('plant001-circuit01-model-promoted', { pendingPolls: 0, settlesAs: 'FAILED_REGISTRATION' });
    await assert.rejects(registry().promote(model('plant001-circuit01-model', '5'), context()), MlflowError);
    server.registration.delete('plant001-circuit01-model-promoted');

    const lookup = await registry().lookup(model('plant001-circuit01-model', '5'), context());
    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(lookup.exists, false);
    assert.equal(outcome.status, 'promoted');
    assert.equal(server.getModel('plant001-circuit01-model-promoted').aliases.get('champion'), '2');
  });

  it('polls PENDING_REGISTRATION until READY', async () => {
    server.registration.set('plant001-circuit01-model-promoted', { pendingPolls: 3, settlesAs: 'READY' });

    const outcome = await registry().promote(model('plant001-circuit01-model', '5'), context());

    assert.equal(outcome.status, 'promoted');
    assert.deepEqual(
      sleeps.filter((ms) => ms === 7),
      [7, 7, 7],
    );
    assert.equal(server.getModel('plant001-circuit01-model-promoted').aliases.get('champion'), '1');
  });

  it('stops polling after maxRegistrationWaitMs', async () => {
    server.registration.set('plant001-circuit01-model-promoted', { pendingPolls: 1_000, settlesAs: 'READY' });
    let clock = 0;

    const promotion = registry(
      {},
      {
        maxRegistrationWaitMs: 30,
        now: () => clock,
        sleep: async (ms) => {
          clock += ms;
        },
      },
    ).promote(model('plant001-circuit01-model', '5'), context());

    await assert.rejects(promotion, (error: unknown) => {
      assert.ok(error instanceof MlflowError);
      assert.equal(error.code, 'MLFLOW_REGISTRATION_TIMEOUT');
      return true;
    });
    assert.equal(server.requestsTo('model-versions/get').length, 1 + 4, 'the source read plus four polls');
  });

  it('pages through the search results', async () => {
    server.seedModel(
      'plant001-circuit01-model-promoted',
      Array.from({ length: 7 }, (_, index) => ({ version: String(index + 1) })),
    );
    const adapter = registry({}, { searchPageSize: 3 });
    await adapter.promote(model('plant001-circuit01-model', '4'), context());
    const searchesBefore = server.requestsTo('model-versions/search').length;

    const lookup = await registry({ mode: 'copy' }, { searchPageSize: 3 }).lookup(model('plant001-circuit01-model', '4'), context());

    assert.equal(lookup.exists, true);
    assert.equal(lookup.url, `${baseUrl}/#/models/plant001-circuit01-model-promoted/versions/8`);
    assert.equal(server.requestsTo('model-versions/search').length - searchesBefore, 1, 'the newest version is on the first page');
    const oldest = await registry({ mode: 'copy' }, { searchPageSize: 3 }).lookup(model('plant001-circuit01-model', '5'), context());
    assert.equal(oldest.exists, false);
    const pages = server.requestsTo('model-versions/search').slice(-3);
    assert.deepEqual(
      pages.map((request) => request.query.page_token === undefined),
      [true, false, false],
    );
  });

  it('promotes models concurrently into one target', async () => {
    server.seedModel('plant002-circuit05-model', [{ version: '2' }]);
    server.seedModel('plant003-circuit10-model', [{ version: '4' }]);
    const adapter = registry({ mode: 'copy', targetModelName: 'shared-{plant_id}', alias: undefined });

    const outcomes = await Promise.all([
      adapter.promote(model('plant001-circuit01-model', '5', 'PLANTX'), context()),
      adapter.promote(model('plant002-circuit05-model', '2', 'PLANTX'), context()),
      adapter.promote(model('plant003-circuit10-model', '4', 'PLANTX'), context()),
    ]);

    assert.deepEqual(
      outcomes.map((outcome) => outcome.status),
      ['promoted', 'promoted', 'promoted'],
    );
    const sources = server
      .getModel('shared-PLANTX')
      .versions.map((version) => version.source)
      .sort();
    assert.deepEqual(sources, ['models:/plant001-circuit01-model/5', 'models:/plant002-circuit05-model/2', 'models:/plant003-circuit10-model/4']);
  });

  it('names the mode when aliases are missing', async () => {
    server.inject('registered-models/alias', { kind: 'status', status: 404, errorCode: 'ENDPOINT_NOT_FOUND' }, 10);

    await assert.rejects(registry().promote(model('plant001-circuit01-model', '5'), context()), (error: unknown) => {
      assert.ok(error instanceof MlflowError);
      assert.equal(error.errorCode, 'ENDPOINT_NOT_FOUND');
      assert.equal(error.notFound, false);
      assert.match(error.message, /use mlflowPromotionMode copy/);
      return true;
    });
  });

  it('fails with 401 for a wrong token', async () => {
    const adapter = registry({ authorization: new SecretText('Bearer wrong-token', ['wrong-token']) });

    await assert.rejects(adapter.promote(model('plant001-circuit01-model', '5'), context()), (error: unknown) => {
      assert.ok(error instanceof MlflowError);
      assert.equal(error.status, 401);
      assert.match(error.message, /Check the token in the MLflow service connection/);
      assert.doesNotMatch(error.message, /wrong-token/);
      return true;
    });
  });

  it('sends the bearer token on every request', async () => {
    await registry().promote(model('plant001-circuit01-model', '5'), context());

    assert.ok(server.requests.length > 0);
    for (const request of server.requests) {
      assert.equal(request.authorization, `Bearer ${TOKEN}`);
    }
    for (const line of lines) {
      assert.doesNotMatch(line, new RegExp(TOKEN));
    }
  });

  it('rejects a target name with a quote', async () => {
    server.seedModel("o'brien", [{ version: '1' }]);

    await assert.rejects(registry().promote(model("o'brien", '1'), context()), (error: unknown) => {
      assert.ok(error instanceof MlflowError);
      assert.equal(error.code, 'MLFLOW_INVALID_NAME');
      return true;
    });
  });

  it('describes its target without the token', () => {
    const adapter = registry();

    assert.equal(adapter.target, `MLflow at ${new URL(baseUrl).host}, copied into {model_name}-promoted with alias champion`);
  });
});
