import assert from 'node:assert/strict';
import * as path from 'node:path';

import { runBuiltTask, type TaskRun } from './run-built-task';
import { assertOnlyOurCommands, assertTaskResult, buildVariables, useFreshWorkspace, taskResult, writeJson, type Workspace } from './task-fixtures';

const INJECTION = '##vso[task.setvariable variable=injected]pwned';

async function promote(workspace: Workspace): Promise<TaskRun> {
  return await runBuiltTask(
    'PromoteModelsIndividually',
    { modelsFile: 'registered_models.json', approvalFile: 'approval_status.json', localRegistryPath: workspace.registry, resultFile: workspace.resultFile },
    buildVariables(workspace),
  );
}

/**
 * runBuiltTask already fails on a `##vso[` that does not start a line or appears twice in one,
 * because the agent acts on the marker anywhere in a line. This checks what remains.
 */
function assertNoInjection(run: TaskRun): void {
  assertOnlyOurCommands(run);
  assert.ok(!run.commands.some((command) => command.properties.variable === 'injected'));
  assert.ok(!run.lines.some((line) => line.startsWith('##[group]fake')));
  assert.ok(!run.stderr.includes('##vso['), run.stderr);
}

describe('PromoteModels output of untrusted text', function () {
  this.timeout(120_000);
  let workspace: Workspace;
  useFreshWorkspace((fresh) => {
    workspace = fresh;
  });

  it('neutralizes commands in model names', async () => {
    await writeJson(path.join(workspace.root, 'registered_models.json'), {
      models: [
        { plant_id: 'PLANT001', model_name: `evil${INJECTION}`, version: '1', tags: { note: `a\n${INJECTION}` } },
        { plant_id: 'PLANT001', model_name: 'plant001-circuit01-model', version: `5\n${INJECTION}`, tags: {} },
      ],
    });
    await writeJson(path.join(workspace.root, 'approval_status.json'), {});

    const run = await promote(workspace);

    assert.ok(taskResult(run) !== undefined);
    assertNoInjection(run);
  });

  it('neutralizes commands in approval entries', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), {
      'PLANT001:plant001-circuit01-model:5': { status: 'approved', approvals: [{ approver: `john.doe@company.com\n${INJECTION}`, comment: `ok\n${INJECTION}\n##[group]fake` }] },
      [`PLANT009:x${INJECTION}:1`]: 'approved',
      'PLANT009:model:1': { status: 'pending', approvals: [{ approver: INJECTION, comment: INJECTION }] },
    });

    const run = await promote(workspace);

    assert.ok(taskResult(run) !== undefined);
    assertNoInjection(run);
  });

  it('neutralizes commands in input values', async () => {
    const run = await runBuiltTask(
      'PromoteModelsIndividually',
      // Path inputs are left out: task-lib's own debug lines echo their resolved paths verbatim.
      { concurrency: INJECTION, plants: `PLANT001,${INJECTION}`, artifactName: INJECTION, unlistedModels: INJECTION, localRegistryPath: workspace.registry },
      buildVariables(workspace),
    );

    assertTaskResult(run, 'Failed');
    assertNoInjection(run);
  });
});
