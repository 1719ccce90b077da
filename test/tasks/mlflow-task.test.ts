import assert from 'node:assert/strict';
import { readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';

import type { PromotionResult } from '../../src/report/promotion-result';
import { FakeMlflowServer } from '../servers/mlflow/mlflow-server';
import { buildTasksIfStale, runBuiltTask, type TaskRun } from './run-built-task';
import { assertOnlyOurCommands, assertTaskResult, buildVariables, createWorkspace, keys, outputVariables, readValidJson, writeJson, type Workspace } from './task-fixtures';

const TOKEN = 'dapi0123456789abcdef-mlflow-token';
/** A GUID of digits only: the agent upper-cases endpoint variable names, and this id survives that. */
const CONNECTION_ID = '11111111-2222-3333-4444-555555555555';
/** Azure ML's MLflow endpoint puts the API under a workspace path; the task must keep it. */
const WORKSPACE_PATH = '/mlflow/v1.0/subscriptions/0000/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ml-ws';

const PLANT001_C01 = 'PLANT001:plant001-circuit01-model:5';
const PLANT001_C02 = 'PLANT001:plant001-circuit02-model:3';
const PLANT002_C05 = 'PLANT002:plant002-circuit05-model:2';
const PLANT003_C10 = 'PLANT003:plant003-circuit10-model:4';
const TEST_PLANT = 'TEST_PLANT:testplant-circuit01-model:v2';

const PLANT003_APPROVED = {
  status: 'approved',
  approvals: [
    { approver: 'bob.johnson@company.com', at: '2026-12-01T09:30:00Z', comment: 'line 3 ok' },
    { approver: 'alice.williams@company.com', at: '2026-12-02T14:00:00Z' },
  ],
};

/** Returns the environment variables of the Generic service connection, as the agent sets them. */
function connectionVariables(baseUrl: string): Record<string, string> {
  return {
    [`ENDPOINT_URL_${CONNECTION_ID}`]: baseUrl,
    [`ENDPOINT_AUTH_${CONNECTION_ID}`]: JSON.stringify({ parameters: { username: '', password: TOKEN }, scheme: 'UsernamePassword' }),
    [`ENDPOINT_AUTH_SCHEME_${CONNECTION_ID}`]: 'UsernamePassword',
    [`ENDPOINT_AUTH_PARAMETER_${CONNECTION_ID}_USERNAME`]: '',
    [`ENDPOINT_AUTH_PARAMETER_${CONNECTION_ID}_PASSWORD`]: TOKEN,
  };
}

/** Lists `<target model>: <source>` for every version the task created on the server. */
function copies(server: FakeMlflowServer): string[] {
  return [...server.models.values()]
    .filter((model) => model.name.endsWith('-promoted'))
    .flatMap((model) => model.versions.map((version) => `${model.name}/${version.version}: ${version.source}`))
    .sort();
}

describe('PromoteModels task with MLflow', function () {
  this.timeout(120_000);
  let workspace: Workspace;
  let server: FakeMlflowServer;
  let baseUrl: string;

  async function promote(inputs: Record<string, string> = {}): Promise<TaskRun> {
    const run = await runBuiltTask(
      'PromoteModelsIndividually',
      {
        modelsFile: 'registered_models.json',
        approvalFile: 'approval_status.json',
        approversFile: 'config/plant_approvers.yaml',
        registryType: 'mlflow',
        mlflowConnection: CONNECTION_ID,
        resultFile: workspace.resultFile,
        concurrency: '3',
        ...inputs,
      },
      { ...buildVariables(workspace), ...connectionVariables(baseUrl) },
    );
    assertOnlyOurCommands(run);
    assertTokenHidden(run);
    return run;
  }

  /** Checks that the token appears only in the task.setsecret command, which registers it for masking. */
  function assertTokenHidden(run: TaskRun): void {
    const printed = run.lines.filter((line) => !line.startsWith('##vso[task.setsecret]'));
    assert.ok(!printed.some((line) => line.includes(TOKEN)), 'the token is printed outside task.setsecret');
    assert.ok(!run.stderr.includes(TOKEN), 'the token is printed to stderr');
    assert.ok(
      run.commands.some((command) => command.command === 'task.setsecret' && command.message === TOKEN),
      'the token is registered with task.setsecret',
    );
  }

  async function readResult(): Promise<PromotionResult> {
    const text = await readFile(workspace.resultFile, 'utf8');
    assert.ok(!text.includes(TOKEN), 'the token is in the result file');
    return await readValidJson<PromotionResult>(workspace.resultFile, 'promotion_result.schema.json');
  }

  before(() => {
    buildTasksIfStale();
  });

  beforeEach(async () => {
    workspace = await createWorkspace();
    server = new FakeMlflowServer(TOKEN, WORKSPACE_PATH);
    baseUrl = await server.start();
    // The registration step of the pipeline has registered this run's models on the server.
    server.seedModel('plant001-circuit01-model', [{ version: '4' }, { version: '5', runId: 'run-c01' }]);
    server.seedModel('plant001-circuit02-model', [{ version: '3', runId: 'run-c02' }]);
    server.seedModel('plant002-circuit05-model', [{ version: '2', runId: 'run-c05' }]);
    server.seedModel('plant003-circuit10-model', [{ version: '4', runId: 'run-c10' }]);
    server.seedModel('testplant-circuit01-model', [{ version: 'v2', runId: 'run-test' }]);
  });

  afterEach(async () => {
    await server.stop();
    await rm(path.dirname(workspace.root), { recursive: true, force: true });
  });

  it('promotes the approved models on the first run', async () => {
    const run = await promote();

    assertTaskResult(run, 'Succeeded');
    const result = await readResult();
    assert.deepEqual(keys(result.promoted), [PLANT001_C01, PLANT001_C02, TEST_PLANT].sort());
    assert.deepEqual(keys(result.pending_approval), [PLANT002_C05]);
    assert.deepEqual(keys(result.rejected), [PLANT003_C10]);
    assert.equal(result.registry.type, 'mlflow');
    assert.deepEqual(copies(server), [
      'plant001-circuit01-model-promoted/1: models:/plant001-circuit01-model/5',
      'plant001-circuit02-model-promoted/1: models:/plant001-circuit02-model/3',
      'testplant-circuit01-model-promoted/1: models:/testplant-circuit01-model/v2',
    ]);
    assert.equal(server.getModel('plant001-circuit01-model-promoted').aliases.get('champion'), '1');
    const tags = Object.fromEntries(server.getVersion('plant001-circuit01-model-promoted', '1').tags.map((tag) => [tag.key, tag.value]));
    assert.equal(tags.approval_key, PLANT001_C01);
    assert.equal(tags.plant_id, 'PLANT001');
    assert.equal(outputVariables(run).promotedCount, '3');
  });

  it('shows each model its own attempts', async () => {
    const run = await promote();

    const group = run.groups.find((candidate) => candidate.title.startsWith('PLANT001/plant001-circuit01-model:5'));
    assert.ok(group, `no group for ${PLANT001_C01}: ${run.groups.map((candidate) => candidate.title).join(', ')}`);
    assert.ok(
      group.lines.some((line) => /POST http:\/\/127\.0\.0\.1:\d+\/mlflow\/v1\.0\/.*\/api\/2\.0\/mlflow\/model-versions\/create: attempt 1 HTTP 200/.test(line)),
      group.lines.join('\n'),
    );
    assert.ok(!group.lines.some((line) => line.includes('plant001-circuit02-model')), 'a line of another model in the group');
  });

  it('skips promoted models on a re-run', async () => {
    const first = await promote();
    assertTaskResult(first, 'Succeeded');
    const createsAfterFirst = server.requestsTo('model-versions/create').length;

    await writeJson(path.join(workspace.root, 'approval_status.json'), {
      auto_approve_plants: ['TEST_PLANT', 'DEV_PLANT'],
      [PLANT001_C01]: 'approved',
      [PLANT001_C02]: 'approved',
      [PLANT002_C05]: 'approved',
      [PLANT003_C10]: PLANT003_APPROVED,
      [TEST_PLANT]: 'auto',
    });
    const second = await promote();

    assertTaskResult(second, 'Succeeded');
    const result = await readResult();
    assert.deepEqual(keys(result.promoted), [PLANT002_C05, PLANT003_C10].sort());
    assert.deepEqual(keys(result.skipped), [PLANT001_C01, PLANT001_C02, TEST_PLANT].sort());
    assert.ok(result.skipped.every((entry) => entry.status === 'already_promoted'));
    assert.equal(server.requestsTo('model-versions/create').length - createsAfterFirst, 2);
    assert.equal(copies(server).length, 5);
    assert.equal(outputVariables(second).skippedCount, '3');
  });

  it('isolates failures and converges on a re-run', async () => {
    // plant001-circuit02's copy fails to register; the server throttles and fails a few calls.
    server.registration.set('plant001-circuit02-model-promoted', { pendingPolls: 0, settlesAs: 'FAILED_REGISTRATION', statusMessage: 'artifact copy failed' });
    server.inject('model-versions/search', { kind: 'status', status: 429, retryAfter: '0' }, 2);
    server.inject('registered-models/create', { kind: 'status', status: 503, retryAfter: '0' }, 1);
    server.inject('registered-models/alias', { kind: 'reset' }, 1);

    const first = await promote();

    assertTaskResult(first, 'Failed');
    let result = await readResult();
    assert.deepEqual(keys(result.promoted), [PLANT001_C01, TEST_PLANT].sort());
    assert.deepEqual(keys(result.failed), [PLANT001_C02]);
    assert.match(result.failed[0]?.error ?? result.failed[0]?.reason ?? '', /FAILED_REGISTRATION: "artifact copy failed"/);
    assert.equal(outputVariables(first).failedCount, '1');
    const retried = first.groups.flatMap((group) => group.lines).filter((line) => /HTTP (429|503); retrying in 0 ms \(Retry-After\)/.test(line));
    assert.equal(retried.length, 3, 'two 429 and one 503 retried');

    server.registration.delete('plant001-circuit02-model-promoted');
    const second = await promote();

    assertTaskResult(second, 'Succeeded');
    result = await readResult();
    assert.deepEqual(keys(result.promoted), [PLANT001_C02]);
    assert.deepEqual(keys(result.skipped), [PLANT001_C01, TEST_PLANT].sort());
    const target = server.getModel('plant001-circuit02-model-promoted');
    assert.deepEqual(
      target.versions.map((version) => version.status),
      ['FAILED_REGISTRATION', 'READY'],
    );
    assert.equal(target.aliases.get('champion'), '2');
  });

  it('fails before promoting on a bad connection URL', async () => {
    const run = await runBuiltTask(
      'PromoteModelsIndividually',
      { registryType: 'mlflow', mlflowConnection: CONNECTION_ID, mlflowAlias: 'latest', resultFile: workspace.resultFile },
      { ...buildVariables(workspace), ...connectionVariables('http://mlflow.company.example') },
    );

    assertTaskResult(run, 'Failed');
    const message = run.commands.find((command) => command.command === 'task.complete')?.message ?? '';
    assert.match(message, /must use https/);
    assert.match(message, /input mlflowAlias: Invalid MLflow alias \(found "latest"\)/);
    assert.equal(server.requests.length, 0);
    assert.ok(!run.stdout.replace(/##vso\[task\.setsecret\][^\n]*/g, '').includes(TOKEN));
  });
});
