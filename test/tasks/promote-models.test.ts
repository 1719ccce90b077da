import assert from 'node:assert/strict';
import { access, readFile, rm } from 'node:fs/promises';
import * as path from 'node:path';

import type { PromotionResult } from '../../src/report/promotion-result';
import { runBuiltTask, type TaskRun } from './run-built-task';
import {
  assertOnlyOurCommands,
  buildVariables,
  commandsNamed,
  useFreshWorkspace,
  keys,
  outputVariables,
  readValidJson,
  registryVersions,
  assertTaskResult,
  writeJson,
  type Workspace,
} from './task-fixtures';

const PLANT001_C01 = 'PLANT001:plant001-circuit01-model:5';
const PLANT001_C02 = 'PLANT001:plant001-circuit02-model:3';
const PLANT002_C05 = 'PLANT002:plant002-circuit05-model:2';
const PLANT003_C10 = 'PLANT003:plant003-circuit10-model:4';
const TEST_PLANT = 'TEST_PLANT:testplant-circuit01-model:v2';
const ALL_VERSIONS = ['plant001-circuit01-model/5', 'plant001-circuit02-model/3', 'plant002-circuit05-model/2', 'plant003-circuit10-model/4', 'testplant-circuit01-model/v2'];

/** PLANT003's policy is `all`, so its approval must list both of its approvers. */
const PLANT003_APPROVED = {
  status: 'approved',
  approvals: [
    { approver: 'bob.johnson@company.com', at: '2026-12-01T09:30:00Z', comment: 'line 3 ok' },
    { approver: 'alice.williams@company.com', at: '2026-12-02T14:00:00Z' },
  ],
};

function approvals(statuses: Record<string, unknown>): Record<string, unknown> {
  return { auto_approve_plants: ['TEST_PLANT', 'DEV_PLANT'], [TEST_PLANT]: 'auto', ...statuses };
}

async function promote(workspace: Workspace, inputs: Record<string, string> = {}, variables: Record<string, string> = {}): Promise<TaskRun> {
  const run = await runBuiltTask(
    'PromoteModelsIndividually',
    {
      modelsFile: 'registered_models.json',
      approvalFile: 'approval_status.json',
      approversFile: 'config/plant_approvers.yaml',
      registryType: 'local',
      localRegistryPath: workspace.registry,
      resultFile: workspace.resultFile,
      concurrency: '4',
      ...inputs,
    },
    buildVariables(workspace, variables),
  );
  assertOnlyOurCommands(run);
  return run;
}

async function readResult(workspace: Workspace): Promise<PromotionResult> {
  return await readValidJson<PromotionResult>(workspace.resultFile, 'promotion_result.schema.json');
}

async function exists(filePath: string): Promise<boolean> {
  return await access(filePath).then(
    () => true,
    () => false,
  );
}

describe('PromoteModels task', function () {
  this.timeout(120_000);
  let workspace: Workspace;
  useFreshWorkspace((fresh) => {
    workspace = fresh;
  });

  it('promotes every model when all are approved', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), approvals({ [PLANT001_C01]: 'approved', [PLANT001_C02]: 'approved', [PLANT002_C05]: 'approved', [PLANT003_C10]: PLANT003_APPROVED }));

    const run = await promote(workspace);

    assertTaskResult(run, 'Succeeded');
    const result = await readResult(workspace);
    assert.deepEqual(keys(result.promoted), [PLANT001_C01, PLANT001_C02, PLANT002_C05, PLANT003_C10, TEST_PLANT].sort());
    assert.equal(result.counts.total, 5);
    assert.deepEqual(await registryVersions(workspace.registry), ALL_VERSIONS);
    assert.deepEqual(outputVariables(run), { promotedCount: '5', pendingCount: '0', rejectedCount: '0', skippedCount: '0', failedCount: '0', resultFile: workspace.resultFile });
    const approvedBy = result.promoted.find((entry) => entry.key === PLANT003_C10)?.approved_by;
    assert.deepEqual(approvedBy?.sort(), ['alice.williams@company.com', 'bob.johnson@company.com']);
  });

  it('publishes the result for build runs', async () => {
    const run = await promote(workspace);

    const uploads = commandsNamed(run, 'artifact.upload');
    assert.equal(uploads.length, 1);
    assert.equal(uploads[0]?.properties.artifactname, 'promotion_result');
    assert.equal(uploads[0]?.message, workspace.resultFile);
    const attachments = commandsNamed(run, 'task.addattachment');
    assert.deepEqual(attachments.map((command) => [command.properties.type, command.properties.name, command.message]), [['promotion-result', 'promotion_result.json', workspace.resultFile]]);
    const summaries = commandsNamed(run, 'task.uploadsummary');
    assert.equal(summaries.length, 1);
    const summary = await readFile(summaries[0]?.message ?? '', 'utf8');
    assert.match(summary, /\| PLANT001 \| 2 \| 0 \| 0 \| 0 \| 0 \|/);
    assert.match(summary, /\| PLANT002 \| 0 \| 1 \| 0 \| 0 \| 0 \|/);
    assert.match(summary, /\| PLANT003 \| 0 \| 0 \| 1 \| 0 \| 0 \|/);
    const progress = commandsNamed(run, 'task.setprogress').map((command) => Number(command.properties.value));
    assert.equal(progress.length, 5);
    assert.equal(progress.at(-1), 100);
  });

  it('attaches without artifact in releases', async () => {
    const run = await promote(workspace, {}, { 'System.HostType': 'release', 'Release.ReleaseId': '12' });

    assertTaskResult(run, 'Succeeded');
    assert.equal(commandsNamed(run, 'artifact.upload').length, 0);
    assert.equal(commandsNamed(run, 'task.addattachment').length, 1);
    assert.equal(commandsNamed(run, 'task.uploadsummary').length, 1);
    const result = await readResult(workspace);
    assert.equal(result.pipeline_run.url, 'https://dev.azure.com/contoso/Manufacturing%20ML/_releaseProgress?_a=release-pipeline-progress&releaseId=12');
  });

  it('promotes the rest on a rerun', async () => {
    const first = await promote(workspace);

    assertTaskResult(first, 'Succeeded');
    let result = await readResult(workspace);
    assert.deepEqual(keys(result.promoted), [PLANT001_C01, PLANT001_C02, TEST_PLANT].sort());
    assert.deepEqual(keys(result.pending_approval), [PLANT002_C05]);
    assert.deepEqual(keys(result.rejected), [PLANT003_C10]);
    assert.equal(result.pipeline_run.url, 'https://dev.azure.com/contoso/Manufacturing%20ML/_build/results?buildId=4711');
    const metadataPath = path.join(workspace.registry, 'plant001-circuit01-model', '5', 'model.json');
    const metadataBefore = await readFile(metadataPath, 'utf8');

    await writeJson(path.join(workspace.root, 'approval_status.json'), approvals({ [PLANT001_C01]: 'approved', [PLANT001_C02]: 'approved', [PLANT002_C05]: 'approved', [PLANT003_C10]: 'rejected' }));
    const second = await promote(workspace, {}, { 'Build.BuildId': '4712' });

    assertTaskResult(second, 'Succeeded');
    result = await readResult(workspace);
    assert.deepEqual(keys(result.promoted), [PLANT002_C05]);
    assert.deepEqual(keys(result.skipped), [PLANT001_C01, PLANT001_C02, TEST_PLANT].sort());
    assert.ok(result.skipped.every((entry) => entry.status === 'already_promoted'));
    assert.deepEqual(keys(result.rejected), [PLANT003_C10]);
    assert.equal(await readFile(metadataPath, 'utf8'), metadataBefore);
    assert.deepEqual(outputVariables(second).skippedCount, '3');
  });

  it('rolls out plant by plant', async () => {
    const days: [Record<string, unknown>, string[]][] = [
      [{ [PLANT001_C01]: 'approved', [PLANT001_C02]: 'approved', [PLANT002_C05]: 'pending', [PLANT003_C10]: 'pending' }, [PLANT001_C01, PLANT001_C02, TEST_PLANT]],
      [{ [PLANT001_C01]: 'approved', [PLANT001_C02]: 'approved', [PLANT002_C05]: 'approved', [PLANT003_C10]: 'pending' }, [PLANT002_C05]],
      [{ [PLANT001_C01]: 'approved', [PLANT001_C02]: 'approved', [PLANT002_C05]: 'approved', [PLANT003_C10]: PLANT003_APPROVED }, [PLANT003_C10]],
    ];
    const promotedSoFar: string[] = [];

    for (const [statuses, promotedToday] of days) {
      await writeJson(path.join(workspace.root, 'approval_status.json'), approvals(statuses));
      const run = await promote(workspace);

      assertTaskResult(run, 'Succeeded');
      const result = await readResult(workspace);
      assert.deepEqual(keys(result.promoted), [...promotedToday].sort());
      assert.deepEqual(keys(result.skipped), [...promotedSoFar].sort());
      promotedSoFar.push(...promotedToday);
    }
    assert.deepEqual(await registryVersions(workspace.registry), ALL_VERSIONS);
  });

  it('sets the result for pending models', async () => {
    const run = await promote(workspace, { resultOnPending: 'succeededWithIssues' });

    assertTaskResult(run, 'SucceededWithIssues');
  });

  it('writes one group per model', async () => {
    const run = await promote(workspace, { concurrency: '5' });

    const titles = run.groups.map((group) => group.title);
    assert.equal(titles.length, 5);
    for (const key of [PLANT001_C01, PLANT001_C02, PLANT002_C05, PLANT003_C10, TEST_PLANT]) {
      const [plant, model, version] = key.split(':');
      const matching = run.groups.filter((group) => group.title.startsWith(`${plant}/${model}:${version} `));
      assert.equal(matching.length, 1, `one group for ${key}`);
      const others = ALL_VERSIONS.map((entry) => entry.split('/')[0]).filter((name) => name !== model);
      for (const line of matching[0]?.lines ?? []) {
        assert.ok(!others.some((name) => line.includes(name as string)), `line of another model in the group of ${key}: ${line}`);
      }
    }
  });

  it('fails on invalid inputs before promoting', async () => {
    const run = await promote(workspace, { concurrency: 'lots', dryRun: 'yes', unlistedModels: 'maybe', resultOnPending: 'ok' });

    assertTaskResult(run, 'Failed');
    const message = commandsNamed(run, 'task.complete')[0]?.message ?? '';
    for (const expected of ['"lots"', '"yes"', '"maybe"', '"ok"', 'approve, pending, reject', 'succeeded, succeededWithIssues, failed']) {
      assert.ok(message.includes(expected), `message names ${expected}: ${message}`);
    }
    assert.deepEqual(await registryVersions(workspace.registry), []);
    assert.equal(await exists(workspace.resultFile), false);
  });

  it('lists problems of every input file', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), { [PLANT001_C01]: 'maybe', 'PLANT001:only-two': 'approved' });
    await writeJson(path.join(workspace.root, 'registered_models.json'), { models: [{ plant_id: 'PLANT001', model_name: 'plant001-circuit01-model' }] });

    const run = await promote(workspace);

    assertTaskResult(run, 'Failed');
    const message = commandsNamed(run, 'task.complete')[0]?.message ?? '';
    assert.match(message, /maybe/);
    assert.match(message, /PLANT001:only-two/);
    assert.match(message, /registered_models\.json/);
    assert.match(message, /version/);
    assert.deepEqual(await registryVersions(workspace.registry), []);
    assert.equal(await exists(workspace.resultFile), false);
  });

  it('fails when a named approvers file is missing', async () => {
    const run = await promote(workspace, { approversFile: 'config/other.yaml' });

    assertTaskResult(run, 'Failed');
    assert.match(commandsNamed(run, 'task.complete')[0]?.message ?? '', /other\.yaml/);
    assert.deepEqual(await registryVersions(workspace.registry), []);
  });

  it('runs without the default approvers file', async () => {
    await rm(path.join(workspace.root, 'config'), { recursive: true });

    const run = await promote(workspace, { approversFile: '' });

    assertTaskResult(run, 'Succeeded');
    const result = await readResult(workspace);
    assert.equal(result.promoted.length, 3);
  });

  it('promotes nothing in a dry run', async () => {
    const run = await promote(workspace, { dryRun: 'true' });

    assertTaskResult(run, 'Succeeded');
    const result = await readResult(workspace);
    assert.equal(result.dry_run, true);
    assert.deepEqual(result.promoted, []);
    assert.deepEqual(keys(result.would_promote ?? []), [PLANT001_C01, PLANT001_C02, TEST_PLANT].sort());
    assert.ok(result.would_promote?.every((entry) => entry.status === 'would_promote'));
    assert.deepEqual(await registryVersions(workspace.registry), []);
    assert.equal(outputVariables(run).promotedCount, '0');
  });

  it('reports promoted models in a dry run', async () => {
    await promote(workspace, { plants: 'PLANT001' });

    const run = await promote(workspace, { dryRun: 'True' });

    assertTaskResult(run, 'Succeeded');
    const result = await readResult(workspace);
    assert.deepEqual(keys(result.skipped), [PLANT001_C01, PLANT001_C02]);
    assert.deepEqual(keys(result.would_promote ?? []), [TEST_PLANT]);
    assert.deepEqual(await registryVersions(workspace.registry), ['plant001-circuit01-model/5', 'plant001-circuit02-model/3']);
  });

  it('handles only the plants of the filter', async () => {
    const run = await promote(workspace, { plants: ' PLANT001 , PLANT003' });

    assertTaskResult(run, 'Succeeded');
    const result = await readResult(workspace);
    assert.deepEqual(result.plants_filter, ['PLANT001', 'PLANT003']);
    assert.deepEqual(keys(result.promoted), [PLANT001_C01, PLANT001_C02]);
    assert.deepEqual(keys(result.rejected), [PLANT003_C10]);
    assert.equal(result.counts.total, 3);
    assert.deepEqual(await registryVersions(workspace.registry), ['plant001-circuit01-model/5', 'plant001-circuit02-model/3']);
  });

  it('isolates a model whose files are missing', async () => {
    await rm(path.join(workspace.root, 'models', 'plant001-circuit02-model'), { recursive: true });

    const run = await promote(workspace);

    assertTaskResult(run, 'Failed');
    const result = await readResult(workspace);
    assert.deepEqual(keys(result.failed), [PLANT001_C02]);
    assert.match(result.failed[0]?.error ?? '', /plant001-circuit02-model.*does not exist/);
    assert.deepEqual(keys(result.promoted), [PLANT001_C01, TEST_PLANT].sort());
    assert.equal(outputVariables(run).failedCount, '1');
    assert.ok(commandsNamed(run, 'task.issue').some((command) => command.properties.type === 'warning' && command.message.includes(PLANT001_C02)));
    assert.deepEqual(await registryVersions(workspace.registry), ['plant001-circuit01-model/5', 'testplant-circuit01-model/v2']);
  });

  it('reports approvals that match no model', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), approvals({ 'PLANT001:plant001-circuit01-model:4': 'approved', [PLANT001_C02]: 'approved', [PLANT002_C05]: 'pending', [PLANT003_C10]: 'rejected' }));

    const run = await promote(workspace, { unlistedModels: 'pending' });

    const result = await readResult(workspace);
    assert.deepEqual(result.unmatched_approvals.map((entry) => entry.key), ['PLANT001:plant001-circuit01-model:4']);
    assert.ok(result.unmatched_approvals[0]?.near_miss?.includes(PLANT001_C01));
    assert.ok(commandsNamed(run, 'task.issue').some((command) => command.properties.type === 'warning' && command.message.includes('PLANT001:plant001-circuit01-model:4')));
  });
});
