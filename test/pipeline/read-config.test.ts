import assert from 'node:assert/strict';
import * as path from 'node:path';

import { InputError } from '../../src/errors';
import { readTaskConfig } from '../../src/pipeline/read-config';
import type { TaskInputs } from '../../src/pipeline/task-inputs';

const WORK = path.resolve('/agent/_work/1/s');

/** Inputs as a plain object; a path counts as supplied when it is set, as task-lib's filePathSupplied does for non-root paths. */
function inputs(values: Record<string, string>, variables: Record<string, string> = {}): TaskInputs {
  const allVariables: Record<string, string> = { 'System.DefaultWorkingDirectory': WORK, 'Build.ArtifactStagingDirectory': '/agent/_work/1/a', ...variables };
  return {
    input: (name) => values[name]?.trim() || undefined,
    pathSupplied: (name) => Boolean(values[name]?.trim()),
    variable: (name) => allVariables[name],
    endpointUrl: () => undefined,
    endpointScheme: () => undefined,
    endpointAuthParameter: () => undefined,
    endpointData: () => undefined,
  };
}

function problemsOf(values: Record<string, string>, variables: Record<string, string> = {}): string {
  try {
    readTaskConfig(inputs(values, variables), 'PromoteModels');
  } catch (error) {
    assert.ok(error instanceof InputError);
    assert.equal(error.code, 'INVALID_INPUT');
    return error.message;
  }
  assert.fail('readTaskConfig accepted invalid inputs');
}

describe('readTaskConfig', () => {
  it('applies defaults for empty inputs', () => {
    const config = readTaskConfig(inputs({}), 'PromoteModels');

    assert.equal(config.modelsFile, path.join(WORK, 'registered_models.json'));
    assert.deepEqual(config.approvalFile, { path: path.join(WORK, 'approval_status.json'), named: false });
    assert.deepEqual(config.approversFile, { path: path.join(WORK, 'config/plant_approvers.yaml'), named: false });
    assert.equal(config.unlistedModels, 'approve');
    assert.deepEqual(config.registry, { type: 'local', path: path.join(WORK, 'model_registry') });
    assert.equal(config.resultFile, path.resolve('/agent/_work/1/a/promotion_result.json'));
    assert.equal(config.artifactName, 'promotion_result');
    assert.equal(config.dryRun, false);
    assert.equal(config.concurrency, 4);
    assert.deepEqual(config.plants, []);
    assert.equal(config.resultOnPending, 'succeeded');
  });

  it('resolves relative paths against the working directory', () => {
    const config = readTaskConfig(inputs({ modelsFile: 'out/models.json', approversFile: 'cfg/approvers.yaml', localRegistryPath: '/srv/registry' }), 'PromoteModels');

    assert.equal(config.modelsFile, path.join(WORK, 'out/models.json'));
    assert.deepEqual(config.approversFile, { path: path.join(WORK, 'cfg/approvers.yaml'), named: true });
    assert.deepEqual(config.registry, { type: 'local', path: path.resolve('/srv/registry') });
  });

  it('treats the default path as not named', () => {
    const config = readTaskConfig(inputs({ approversFile: path.join(WORK, 'config/plant_approvers.yaml') }), 'PromoteModels');

    assert.equal(config.approversFile.named, false);
  });

  it('reads YAML core booleans', () => {
    for (const [value, expected] of [['true', true], ['True', true], ['TRUE', true], ['false', false], ['False', false], ['FALSE', false]] as const) {
      assert.equal(readTaskConfig(inputs({ dryRun: value }), 'PromoteModels').dryRun, expected, value);
    }
  });

  it('rejects other boolean spellings', () => {
    for (const value of ['yes', '1', 'on', 'tRue']) {
      assert.match(problemsOf({ dryRun: value }), new RegExp(`input dryRun: Not a boolean \\(found "${value}"\\)`));
    }
  });

  it('matches enum values ignoring case', () => {
    const config = readTaskConfig(inputs({ unlistedModels: 'Reject', resultOnPending: 'succeededwithissues', registryType: 'LOCAL' }), 'PromoteModels');

    assert.equal(config.unlistedModels, 'reject');
    assert.equal(config.resultOnPending, 'succeededWithIssues');
    assert.equal(config.registry?.type, 'local');
  });

  it('accepts concurrency from 1 to 32', () => {
    assert.equal(readTaskConfig(inputs({ concurrency: '1' }), 'PromoteModels').concurrency, 1);
    assert.equal(readTaskConfig(inputs({ concurrency: '32' }), 'PromoteModels').concurrency, 32);
    for (const value of ['0', '33', '2.5', '-1', 'four']) {
      assert.match(problemsOf({ concurrency: value }), /input concurrency/, value);
    }
  });

  it('trims and deduplicates plants', () => {
    const config = readTaskConfig(inputs({ plants: ' PLANT001, PLANT002 ,,PLANT001 ' }), 'PromoteModels');

    assert.deepEqual(config.plants, ['PLANT001', 'PLANT002']);
  });

  it('lists every problem at once', () => {
    const message = problemsOf({ unlistedModels: 'maybe', registryType: 'ftp', dryRun: 'yes', concurrency: '100', resultOnPending: 'ok', plants: 'PLANT 1', artifactName: 'a/b', resultFile: '$(Missing.Variable)/r.json' });

    for (const expected of ['input unlistedModels', 'approve, pending, reject', 'input registryType', 'local, azureml, mlflow', 'input dryRun', 'input concurrency', 'input resultOnPending', 'input plants', 'input artifactName', 'input resultFile']) {
      assert.ok(message.includes(expected), `message names ${expected}:\n${message}`);
    }
    assert.match(message, /^8 task input problem\(s\):/);
  });

  it('rejects an invalid plant ID pattern', () => {
    assert.match(problemsOf({ plantIdPattern: '(' }), /input plantIdPattern/);
  });

  it('requires the working directory variable', () => {
    assert.match(problemsOf({}, { 'System.DefaultWorkingDirectory': undefined as unknown as string }), /System\.DefaultWorkingDirectory/);
  });

  it('writes to the temp folder in releases', () => {
    const values = { resultFile: '$(Build.ArtifactStagingDirectory)/promotion_result.json' };
    const config = readTaskConfig(inputs(values, { 'Build.ArtifactStagingDirectory': undefined as unknown as string, 'Agent.TempDirectory': '/agent/_work/_temp' }), 'PromoteModels');

    assert.equal(config.resultFile, path.resolve('/agent/_work/_temp/promotion_result.json'));
  });

  it('reads the request file of RequestApprovals', () => {
    const config = readTaskConfig(inputs({ requestFile: 'out/request.json', concurrency: 'ignored' }), 'RequestApprovals');

    assert.equal(config.resultFile, path.join(WORK, 'out/request.json'));
    assert.equal(config.artifactName, 'approval_request');
    assert.equal(config.registry, undefined);
  });
});
