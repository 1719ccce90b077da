import assert from 'node:assert/strict';
import { access, copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

import type { PromotionResult } from '../../src/report/promotion-result';
import { runBuiltTask, type TaskRun } from './run-built-task';
import { assertOnlyOurCommands, assertTaskResult, buildVariables, commandsNamed, useFreshWorkspace, keys, readValidJson, registryVersions, writeJson, type Workspace } from './task-fixtures';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'robustness');
const ALL_KEYS = [
  'PLANT001:plant001-circuit01-model:5',
  'PLANT001:plant001-circuit02-model:3',
  'PLANT002:plant002-circuit05-model:2',
  'PLANT003:plant003-circuit10-model:4',
  'TEST_PLANT:testplant-circuit01-model:v2',
];
const RESULT_ARRAYS = ['promoted', 'pending_approval', 'rejected', 'skipped', 'failed', 'would_promote'] as const;

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
      ...inputs,
    },
    buildVariables(workspace, variables),
  );
  assertOnlyOurCommands(run);
  return run;
}

function completionMessage(run: TaskRun): string {
  return commandsNamed(run, 'task.complete')[0]?.message ?? '';
}

async function exists(filePath: string): Promise<boolean> {
  return await access(filePath).then(
    () => true,
    () => false,
  );
}

/** Checks that the task failed before its first side effect: no registry entry and no result file. */
async function assertFailedClosed(run: TaskRun, workspace: Workspace): Promise<void> {
  assertTaskResult(run, 'Failed');
  assert.deepEqual(await registryVersions(workspace.registry), []);
  assert.equal(await exists(workspace.resultFile), false, 'no result file after invalid input');
}

/** Returns the key of every entry of every result array, once per array it appears in. */
function categorizedKeys(result: PromotionResult): string[] {
  return RESULT_ARRAYS.flatMap((name) => (result[name] ?? []).map((entry) => entry.key)).sort();
}

describe('PromoteModels robustness', function () {
  this.timeout(180_000);
  let workspace: Workspace;
  useFreshWorkspace((fresh) => {
    workspace = fresh;
  });

  it('lists every approval file problem', async () => {
    await copyFile(path.join(FIXTURES, 'approval-many-problems.json'), path.join(workspace.root, 'approval_status.json'));

    const run = await promote(workspace);

    await assertFailedClosed(run, workspace);
    const message = completionMessage(run);
    assert.match(message, /\(7 problem\(s\)\)/);
    for (const expected of ['"aproved"', '"PLANT001:plant001-circuit02-model"', '4 parts', '"PLANT003::4"', '(found 1)', '"APPROVED"', '"auto_approve"']) {
      assert.ok(message.includes(expected), `message names ${expected}: ${message}`);
    }
  });

  it('lists at most 100 of 20,000 problems', async () => {
    const statuses: Record<string, string> = {};
    for (let index = 0; index < 20_000; index += 1) {
      statuses[`PLANT${index}:model-${index}`] = 'approved';
    }
    await writeJson(path.join(workspace.root, 'approval_status.json'), statuses);

    const run = await promote(workspace);

    await assertFailedClosed(run, workspace);
    const message = completionMessage(run);
    assert.match(message, /is invalid \(20000 problem\(s\)\)/);
    assert.equal(message.split('\n').filter((line) => line.startsWith('  - ')).length, 101);
    assert.match(message, /… and 19900 more problem\(s\), not listed here/);
    assert.ok(run.stdout.length < 200_000, `output has ${run.stdout.length} characters`);
  });

  it('names every empty key part', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), { '::': 'approved', 'PLANT001::': 'approved' });

    const run = await promote(workspace);

    await assertFailedClosed(run, workspace);
    const message = completionMessage(run);
    assert.ok(message.includes('the PLANT_ID, MODEL_NAME and VERSION parts are empty (found "::")'), message);
    assert.ok(message.includes('the MODEL_NAME and VERSION parts are empty (found "PLANT001::")'), message);
  });

  it('explains an empty approvals list', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), { 'PLANT001:plant001-circuit01-model:5': { status: 'approved', approvals: [] } });

    const run = await promote(workspace);

    assertTaskResult(run, 'Succeeded');
    const result = await readValidJson<PromotionResult>(workspace.resultFile, 'promotion_result.schema.json');
    const entry = result.pending_approval.find((candidate) => candidate.key === 'PLANT001:plant001-circuit01-model:5');
    assert.equal(entry?.reason, 'The entry is approved, but the approvals list is empty; John Doe <john.doe@company.com> must approve.');
  });

  it('rejects a duplicate approval key', async () => {
    const key = 'PLANT001:plant001-circuit01-model:5';
    await writeFile(path.join(workspace.root, 'approval_status.json'), `{\n  "${key}": "rejected",\n  "${key}": "approved"\n}\n`);

    const run = await promote(workspace);

    await assertFailedClosed(run, workspace);
    assert.match(completionMessage(run), /twice, on lines 2 and 3/);
  });

  it('accepts a byte-order mark and CRLF', async () => {
    const lines = ['{', '  "PLANT001:plant001-circuit01-model:5": "approved",', '  "PLANT002:plant002-circuit05-model:2": "pending"', '}', ''];
    await writeFile(path.join(workspace.root, 'approval_status.json'), `\uFEFF${lines.join('\r\n')}`);

    const run = await promote(workspace, { unlistedModels: 'reject' });

    assertTaskResult(run, 'Succeeded');
    const result = await readValidJson<PromotionResult>(workspace.resultFile, 'promotion_result.schema.json');
    assert.deepEqual(keys(result.promoted), ['PLANT001:plant001-circuit01-model:5']);
    assert.deepEqual(keys(result.pending_approval), ['PLANT002:plant002-circuit05-model:2']);
  });

  it('reads a UTF-16 approval file', async () => {
    // Windows PowerShell 5.1's Out-File writes UTF-16LE with a byte-order mark.
    const json = JSON.stringify({ 'PLANT001:plant001-circuit01-model:5': 'approved', 'PLANT002:plant002-circuit05-model:2': 'rejected' });
    await writeFile(path.join(workspace.root, 'approval_status.json'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]));

    const run = await promote(workspace, { unlistedModels: 'pending' });

    assertTaskResult(run, 'Succeeded');
    const result = await readValidJson<PromotionResult>(workspace.resultFile, 'promotion_result.schema.json');
    assert.deepEqual(keys(result.promoted), ['PLANT001:plant001-circuit01-model:5']);
    assert.deepEqual(keys(result.rejected), ['PLANT002:plant002-circuit05-model:2']);
  });

  it('rejects an approvers file in Latin-1', async () => {
    const yamlText = 'approvers:\n  PLANT001:\n    - name: "Jos\u00e9 Garc\u00eda"\n      email: "jose.garcia@company.com"\n';
    await writeFile(path.join(workspace.root, 'config', 'plant_approvers.yaml'), Buffer.from(yamlText, 'latin1'));

    const run = await promote(workspace);

    await assertFailedClosed(run, workspace);
    assert.match(completionMessage(run), /plant_approvers\.yaml: The approvers file \(input approversFile\) cannot be read: it is not UTF-8 text: line 3, column 17 has a byte that UTF-8 does not allow\. Save the file as UTF-8/);
  });

  const invalidApprovers: { fixture: string; expected: RegExp }[] = [
    { fixture: 'approvers-design-note.yaml', expected: /plant_approvers\.yaml 21:5: has approval_policy after the list of approvers of PLANT003.*the mapping form/ },
    { fixture: 'approvers-alias-bomb.yaml', expected: /more than \d+ values once its YAML aliases are expanded/ },
    { fixture: 'approvers-js-function.yaml', expected: /unknown tag .*js\/function/ },
    { fixture: 'approvers-tabs.yaml', expected: /2:1: uses a tab for indentation/ },
    { fixture: 'approvers-duplicate-plant.yaml', expected: /5:3: repeats the key "PLANT001" of the same mapping/ },
  ];
  for (const { fixture, expected } of invalidApprovers) {
    it(`rejects approvers file ${fixture}`, async () => {
      await copyFile(path.join(FIXTURES, fixture), path.join(workspace.root, 'config', 'plant_approvers.yaml'));

      const run = await promote(workspace);

      await assertFailedClosed(run, workspace);
      assert.match(completionMessage(run), expected);
    });
  }

  for (const key of ['plant003:plant003-circuit10-model:4', 'PLANT003:Plant003-Circuit10-Model:4', 'PLANT003:plant003-circuit10-model:04']) {
    it(`rejects mistyped key ${key}`, async () => {
      await writeJson(path.join(workspace.root, 'approval_status.json'), { [key]: 'rejected' });

      const run = await promote(workspace);

      await assertFailedClosed(run, workspace);
      const message = completionMessage(run);
      assert.ok(message.includes(`(found "${key}")`), message);
      assert.ok(message.includes('exactly as the run registered the model: "PLANT003:plant003-circuit10-model:4"'), message);
    });
  }

  it('lists every invalid input', async () => {
    const run = await promote(workspace, { concurrency: '1000', registryType: 's3', unlistedModels: 'aprove', dryRun: 'yes', plantIdPattern: '^(plant)(\\d+)-' });

    await assertFailedClosed(run, workspace);
    const message = completionMessage(run);
    for (const expected of ['"1000"', 'from 1 to 32', '"s3"', 'local, azureml, mlflow', '"aprove"', '"yes"', '2 capture groups']) {
      assert.ok(message.includes(expected), `message names ${expected}: ${message}`);
    }
  });

  it('rejects an unwritable result file first', async () => {
    const folderAsFile = path.join(workspace.root, 'models');
    const underAFile = path.join(workspace.root, 'registered_models.json', 'promotion_result.json');

    for (const [resultFile, expected] of [
      [folderAsFile, 'models is a folder, not a file'],
      [underAFile, 'ENOTDIR: not a directory'],
    ] as const) {
      const run = await promote(workspace, { resultFile });

      assertTaskResult(run, 'Failed');
      assert.ok(completionMessage(run).includes(expected), completionMessage(run));
      assert.deepEqual(await registryVersions(workspace.registry), []);
    }
  });

  it('names an infinite metric as Infinity', async () => {
    const text = await readFile(path.join(workspace.root, 'registered_models.json'), 'utf8');
    await writeFile(path.join(workspace.root, 'registered_models.json'), text.replace('"accuracy": 0.93', '"accuracy": 1e999'));

    const run = await promote(workspace);

    await assertFailedClosed(run, workspace);
    assert.match(completionMessage(run), /\/models\/0\/metrics\/accuracy \(line \d+\): .*\(found Infinity\)/);
  });

  it('fails a model whose path is a device', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), {});
    await writeJson(path.join(workspace.root, 'registered_models.json'), {
      models: [
        { plant_id: 'PLANT001', model_name: 'device-model', version: '1', path: '/dev/zero' },
        { plant_id: 'PLANT001', model_name: 'plant001-circuit01-model', version: '5', path: 'models/plant001-circuit01-model' },
      ],
    });

    const run = await promote(workspace);

    assertTaskResult(run, 'Failed');
    const result = await readValidJson<PromotionResult>(workspace.resultFile, 'promotion_result.schema.json');
    assert.deepEqual(keys(result.failed), ['PLANT001:device-model:1']);
    assert.match(result.failed[0]?.error ?? '', /\/dev\/zero of PLANT001:device-model:1 is neither a file nor a folder/);
    assert.deepEqual(await registryVersions(workspace.registry), ['plant001-circuit01-model/5']);
  });

  it('rejects unsafe folder names before promoting', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), {});
    await writeJson(path.join(workspace.root, 'registered_models.json'), {
      models: [
        { plant_id: 'PLANT001', model_name: 'plant001-circuit01-model', version: '5', path: 'models/plant001-circuit01-model' },
        { plant_id: 'PLANT001', model_name: '../../escaped', version: '1', path: 'models/plant001-circuit01-model' },
        { plant_id: 'PLANT001', model_name: 'plant001-circuit02-model', version: '..', path: 'models/plant001-circuit02-model' },
      ],
    });

    const run = await promote(workspace);

    await assertFailedClosed(run, workspace);
    const message = completionMessage(run);
    assert.match(message, /"\.\.\/\.\.\/escaped"/);
    assert.match(message, /Invalid version for a local registry folder \(found "\.\."\)/);
    assert.equal(await exists(path.join(path.dirname(workspace.root), 'escaped')), false);
  });

  it('rejects one folder for two plants', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), { 'PLANT002:Shared-Model:1': 'rejected' });
    await writeJson(path.join(workspace.root, 'registered_models.json'), {
      models: [
        { plant_id: 'PLANT001', model_name: 'shared-model', version: '1', path: 'models/plant001-circuit01-model' },
        { plant_id: 'PLANT002', model_name: 'Shared-Model', version: '1', path: 'models/plant002-circuit05-model' },
      ],
    });

    const run = await promote(workspace);

    await assertFailedClosed(run, workspace);
    assert.match(completionMessage(run), /PLANT002:Shared-Model:1: Needs the same local registry folder "Shared-Model\/1" as "PLANT001:shared-model:1"/);
  });

  it('fails a folder of another plant', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), {});
    const register = async (plantId: string, modelPath: string): Promise<void> => {
      await writeJson(path.join(workspace.root, 'registered_models.json'), { models: [{ plant_id: plantId, model_name: 'shared-model', version: '1', path: modelPath }] });
    };
    await register('PLANT002', 'models/plant002-circuit05-model');
    assertTaskResult(await promote(workspace), 'Succeeded');
    await register('PLANT001', 'models/plant001-circuit01-model');

    const run = await promote(workspace);

    assertTaskResult(run, 'Failed');
    const result = await readValidJson<PromotionResult>(workspace.resultFile, 'promotion_result.schema.json');
    assert.deepEqual(keys(result.failed), ['PLANT001:shared-model:1']);
    assert.deepEqual(result.skipped, []);
    assert.match(result.failed[0]?.error ?? '', /contains "PLANT002:shared-model:1", not "PLANT001:shared-model:1"/);
    const metadata = JSON.parse(await readFile(path.join(workspace.registry, 'shared-model', '1', 'model.json'), 'utf8')) as { key: string };
    assert.equal(metadata.key, 'PLANT002:shared-model:1');
  });

  it('limits warnings about unmatched approvals', async () => {
    const statuses: Record<string, string> = { 'PLANT001:plant001-circuit01-model:4': 'approved' };
    for (let version = 1; version <= 130; version += 1) {
      statuses[`PLANT009:retired-model:${version}`] = 'approved';
    }
    await writeJson(path.join(workspace.root, 'approval_status.json'), statuses);

    const run = await promote(workspace);

    assertTaskResult(run, 'Succeeded');
    const warnings = commandsNamed(run, 'task.issue').filter((command) => command.properties.type === 'warning');
    assert.equal(warnings.length, 21);
    assert.match(warnings[0]?.message ?? '', /PLANT001:plant001-circuit01-model:4 .*Closest model PLANT001:plant001-circuit01-model:5/);
    assert.equal(warnings[20]?.message, '111 more approval entries match no model of this run; promotion_result.json lists all 131 under unmatched_approvals.');
    const result = await readValidJson<PromotionResult>(workspace.resultFile, 'promotion_result.schema.json');
    assert.equal(result.unmatched_approvals.length, 131);
    const summary = await readFile(path.join(path.dirname(workspace.resultFile), 'promotion_summary.md'), 'utf8');
    const unmatchedSection = summary.slice(summary.indexOf('### Approval entries that match no model'));
    assert.equal(unmatchedSection.split('\n').filter((line) => line.startsWith('| PLANT')).length, 100);
    assert.ok(unmatchedSection.includes('| PLANT001:plant001-circuit01-model:4 |'), 'the near miss is among the rows shown');
    assert.ok(unmatchedSection.includes('31 more entries are listed under `unmatched_approvals` in the result file.'));
  });

  it('rejects unquotable MLflow names before requests', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const connection = 'MLFLOW_ROBUSTNESS';
    const text = await readFile(path.join(workspace.root, 'registered_models.json'), 'utf8');
    await writeFile(path.join(workspace.root, 'registered_models.json'), text.replace('"plant001-circuit01-model"', '"plant001-o\'brien-model"'));
    try {
      const run = await promote(
        workspace,
        { registryType: 'mlflow', mlflowConnection: connection, mlflowPromotionMode: 'copy' },
        {
          [`ENDPOINT_URL_${connection}`]: `http://127.0.0.1:${port}`,
          [`ENDPOINT_AUTH_${connection}`]: JSON.stringify({ parameters: { username: '', password: 'robustness-token' }, scheme: 'UsernamePassword' }),
          [`ENDPOINT_AUTH_SCHEME_${connection}`]: 'UsernamePassword',
          [`ENDPOINT_AUTH_PARAMETER_${connection}_USERNAME`]: '',
          [`ENDPOINT_AUTH_PARAMETER_${connection}_PASSWORD`]: 'robustness-token',
        },
      );

      assertTaskResult(run, 'Failed');
      assert.ok(completionMessage(run).includes(`Has a target model name with a single quote or a backslash, which MLflow search filters cannot quote (found "plant001-o'brien-model-promoted")`), completionMessage(run));
      assert.equal(requests, 0);
      assert.equal(await exists(workspace.resultFile), false);
    } finally {
      server.close();
    }
  });

  it('neutralizes approver names and plant IDs', async () => {
    await writeFile(
      path.join(workspace.root, 'config', 'plant_approvers.yaml'),
      'approvers:\n  PLANT002:\n    - name: "Jane\\n##[error]forged\\n##vso[task.setvariable variable=injected]x \\e[31m"\n      email: "jane.smith@company.com"\n',
    );
    const models = JSON.parse(await readFile(path.join(workspace.root, 'registered_models.json'), 'utf8')) as { models: { plant_id: string; tags: Record<string, string> }[] };
    const [first] = models.models;
    assert.ok(first !== undefined);
    first.plant_id = '##[error]PLANT001';
    first.tags = { note: '\u001b[2J##vso[task.complete result=Succeeded]' };
    await writeJson(path.join(workspace.root, 'registered_models.json'), models);

    const run = await promote(workspace);

    assert.ok(!run.commands.some((command) => command.properties.variable === 'injected'));
    assert.ok(!run.lines.some((line) => /^##\[(?!group\]|endgroup\])/.test(line)), 'no formatting command besides groups');
    assert.ok(!run.stdout.includes('\u001b'), 'no escape character in the output');
    const result = await readValidJson<PromotionResult>(workspace.resultFile, 'promotion_result.schema.json');
    assert.deepEqual(categorizedKeys(result).length, ALL_KEYS.length);
  });

  it('promotes each version once in parallel runs', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), {});
    const jobs = [1, 2, 3, 4].map((job) => path.join(path.dirname(workspace.root), `job${job}`));
    const resultFiles = jobs.map((job) => path.join(job, 'promotion_result.json'));
    // Each job gets its own Agent.TempDirectory, as on separate agents, because task-lib keeps its vault key there.
    await Promise.all(jobs.map((job) => mkdir(path.join(job, 'agent-temp'), { recursive: true })));

    const runs = await Promise.all(jobs.map((job, index) => promote(workspace, { resultFile: resultFiles[index] ?? '' }, { 'Agent.TempDirectory': path.join(job, 'agent-temp') })));

    const promotedKeys: string[] = [];
    for (const [index, run] of runs.entries()) {
      assertTaskResult(run, 'Succeeded');
      const result = await readValidJson<PromotionResult>(resultFiles[index] ?? '', 'promotion_result.schema.json');
      assert.deepEqual(categorizedKeys(result), ALL_KEYS, `job ${index + 1} lists each model in exactly one array`);
      promotedKeys.push(...keys(result.promoted));
    }
    assert.deepEqual(promotedKeys.sort(), ALL_KEYS, 'each model promoted by exactly one job');
    assert.equal((await registryVersions(workspace.registry)).length, ALL_KEYS.length);
  });

  it('puts each model in one category on a rerun', async () => {
    await writeJson(path.join(workspace.root, 'approval_status.json'), {
      auto_approve_plants: ['TEST_PLANT'],
      'PLANT001:plant001-circuit01-model:5': 'approved',
      'PLANT001:plant001-circuit02-model:3': 'approved',
      'PLANT002:plant002-circuit05-model:2': 'pending',
      'PLANT003:plant003-circuit10-model:4': 'rejected',
    });
    await promote(workspace, { plants: 'PLANT001' });
    await rm(path.join(workspace.root, 'models', 'testplant-circuit01-model'), { recursive: true });

    const run = await promote(workspace);

    assertTaskResult(run, 'Failed');
    const result = await readValidJson<PromotionResult>(workspace.resultFile, 'promotion_result.schema.json');
    assert.deepEqual(categorizedKeys(result), ALL_KEYS);
    assert.deepEqual(keys(result.skipped), ['PLANT001:plant001-circuit01-model:5', 'PLANT001:plant001-circuit02-model:3']);
    assert.deepEqual(keys(result.failed), ['TEST_PLANT:testplant-circuit01-model:v2']);
    assert.equal(result.counts.total, ALL_KEYS.length);
  });
});
