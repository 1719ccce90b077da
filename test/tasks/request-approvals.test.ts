import assert from 'node:assert/strict';
import { access, rm } from 'node:fs/promises';
import * as path from 'node:path';

import type { ApprovalRequest } from '../../src/report/approval-request';
import { buildTasksIfStale, runBuiltTask, type TaskRun } from './run-built-task';
import { assertOnlyOurCommands, buildVariables, commandsNamed, createWorkspace, keys, outputVariables, readValidJson, assertTaskResult, writeJson, type Workspace } from './task-fixtures';

async function requestApprovals(workspace: Workspace, inputs: Record<string, string> = {}, variables: Record<string, string> = {}): Promise<TaskRun> {
  const run = await runBuiltTask(
    'RequestApprovals',
    { modelsFile: 'registered_models.json', approvalFile: 'approval_status.json', approversFile: 'config/plant_approvers.yaml', ...inputs },
    buildVariables(workspace, variables),
  );
  assertOnlyOurCommands(run);
  return run;
}

describe('RequestApprovals task', function () {
  this.timeout(120_000);
  let workspace: Workspace;
  let requestFile: string;

  before(() => {
    buildTasksIfStale();
  });

  beforeEach(async () => {
    workspace = await createWorkspace();
    requestFile = path.join(workspace.staging, 'approval_request.json');
  });

  afterEach(async () => {
    await rm(path.dirname(workspace.root), { recursive: true, force: true });
  });

  it('requests approval of pending models', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), {
      auto_approve_plants: ['TEST_PLANT'],
      'PLANT001:plant001-circuit01-model:5': 'approved',
      'PLANT001:plant001-circuit02-model:3': 'rejected',
      'PLANT002:plant002-circuit05-model:2': 'pending',
      'PLANT003:plant003-circuit10-model:4': { status: 'approved', approvals: [{ approver: 'bob.johnson@company.com' }] },
    });

    const run = await requestApprovals(workspace);

    assertTaskResult(run, 'Succeeded');
    const request = await readValidJson<ApprovalRequest>(requestFile, 'approval_request.schema.json');
    assert.deepEqual(keys(request.requests), ['PLANT002:plant002-circuit05-model:2', 'PLANT003:plant003-circuit10-model:4']);
    const plant003 = request.requests.find((entry) => entry.plant_id === 'PLANT003');
    assert.equal(plant003?.approval_policy, 'all');
    assert.deepEqual(plant003?.waiting_for, ['alice.williams@company.com']);
    assert.deepEqual(plant003?.approvers.map((approver) => approver.email), ['bob.johnson@company.com', 'alice.williams@company.com']);
    assert.deepEqual(plant003?.metrics, { accuracy: 0.95 });
    assert.equal(plant003?.pipeline_run_url, 'https://dev.azure.com/contoso/Manufacturing%20ML/_build/results?buildId=4711');
    assert.deepEqual(request.counts, { total: 5, requests: 2, approved: 2, rejected: 1 });
    assert.deepEqual(outputVariables(run), { requestCount: '2', approvedCount: '2', rejectedCount: '1', requestFile });
  });

  it('requests only the filtered plants', async () => {
    const run = await requestApprovals(workspace, { plants: 'PLANT001,PLANT003' });

    assertTaskResult(run, 'Succeeded');
    const request = await readValidJson<ApprovalRequest>(requestFile, 'approval_request.schema.json');
    assert.deepEqual(request.requests, []);
    assert.deepEqual(request.plants_filter, ['PLANT001', 'PLANT003']);
    assert.deepEqual(request.counts, { total: 3, requests: 0, approved: 2, rejected: 1 });
  });

  it('publishes the request as an artifact', async () => {
    const run = await requestApprovals(workspace);

    const uploads = commandsNamed(run, 'artifact.upload');
    assert.deepEqual(uploads.map((command) => [command.properties.artifactname, command.message]), [['approval_request', requestFile]]);
    assert.equal(commandsNamed(run, 'task.addattachment')[0]?.properties.type, 'approval-request');
  });

  it('attaches the request in releases', async () => {
    const run = await requestApprovals(workspace, {}, { 'System.HostType': 'release' });

    assert.equal(commandsNamed(run, 'artifact.upload').length, 0);
    assert.equal(commandsNamed(run, 'task.addattachment').length, 1);
  });

  it('fails on an invalid approval file', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), { 'PLANT002:plant002-circuit05-model:2': 'later' });

    const run = await requestApprovals(workspace);

    assertTaskResult(run, 'Failed');
    assert.match(commandsNamed(run, 'task.complete')[0]?.message ?? '', /later/);
    await assert.rejects(access(requestFile));
  });
});
