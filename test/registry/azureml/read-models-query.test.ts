import * as assert from 'node:assert/strict';

import type { Problem } from '../../../src/errors';
import type { TaskInputs } from '../../../src/pipeline/task-inputs';
import { readModelsQuery } from '../../../src/registry/azureml/read-models-query';
import type { RegistryConfig } from '../../../src/registry/registry-config';

function inputs(values: Record<string, string>): TaskInputs {
  return {
    input: (name) => values[name],
    pathSupplied: () => false,
    variable: () => undefined,
    endpointUrl: () => undefined,
    endpointScheme: () => undefined,
    endpointAuthParameter: () => undefined,
    endpointData: () => undefined,
  };
}

const AZUREML = { type: 'azureml' } as RegistryConfig;
const LOCAL: RegistryConfig = { type: 'local', path: '/registry' };

describe('readModelsQuery', () => {
  it('defaults to the models file', () => {
    const problems: Problem[] = [];

    assert.equal(readModelsQuery(inputs({}), AZUREML, problems), undefined);
    assert.deepEqual(problems, []);
  });

  it('reads the workspace tag query', () => {
    const problems: Problem[] = [];

    assert.deepEqual(readModelsQuery(inputs({ modelsSource: 'Workspace', modelsTags: 'run_id=42' }), AZUREML, problems), { tags: 'run_id=42' });
    assert.deepEqual(problems, []);
  });

  const invalid: Array<{ name: string; values: Record<string, string>; registry?: RegistryConfig; expected: RegExp[] }> = [
    { name: 'unknown source', values: { modelsSource: 'mlflow' }, registry: AZUREML, expected: [/Unknown models source.*"mlflow".*file, workspace/] },
    { name: 'missing tags', values: { modelsSource: 'workspace' }, registry: AZUREML, expected: [/modelsTags is required/] },
    { name: 'local registry', values: { modelsSource: 'workspace', modelsTags: 'a' }, registry: LOCAL, expected: [/only with registryType azureml, not local/] },
  ];
  for (const row of invalid) {
    it(`reports ${row.name}`, () => {
      const problems: Problem[] = [];

      readModelsQuery(inputs(row.values), row.registry, problems);

      assert.equal(problems.length, row.expected.length);
      row.expected.forEach((pattern, index) => {
        const problem = problems[index];
        assert.match(`${problem?.message} ${problem?.value ?? ''} ${problem?.allowed ?? ''}`, pattern);
      });
    });
  }
});
