import * as assert from 'node:assert/strict';

import { toRunModels } from '../../../src/registry/azureml/workspace-run-models';

describe('toRunModels', () => {
  it('takes the plant from the plant_id tag', () => {
    const { models, problems } = toRunModels([{ name: 'plant001-circuit01-model', version: '5', tags: { plant_id: 'PLANT001', run_id: '9' } }], /^(plant\d+)-/, 'query');

    assert.deepEqual(problems, []);
    assert.deepEqual(models, [{ plantId: 'PLANT001', modelName: 'plant001-circuit01-model', version: '5', tags: { plant_id: 'PLANT001', run_id: '9' }, metrics: {} }]);
  });

  it('derives the plant from the pattern', () => {
    const { models } = toRunModels([{ name: 'plant002-circuit05-model', version: '2', tags: {} }], /^(plant\d+)-/g, 'query');

    assert.equal(models[0]?.plantId, 'PLANT002');
  });

  it('sorts by name and numeric version', () => {
    const { models } = toRunModels(
      [
        { name: 'b', version: '10', tags: { plant_id: 'P' } },
        { name: 'b', version: '9', tags: { plant_id: 'P' } },
        { name: 'a', version: '1', tags: { plant_id: 'P' } },
      ],
      undefined,
      'query',
    );

    assert.deepEqual(
      models.map((model) => `${model.modelName}:${model.version}`),
      ['a:1', 'b:9', 'b:10'],
    );
  });

  it('reports versions without a usable plant', () => {
    const { models, problems } = toRunModels(
      [
        { name: 'orphan-model', version: '1', tags: {} },
        { name: 'bad-model', version: '2', tags: { plant_id: 'PLANT:1' } },
      ],
      undefined,
      'query',
    );

    assert.deepEqual(models, []);
    assert.deepEqual(
      problems.map((problem) => `${problem.location} ${problem.message} ${problem.value ?? ''}`.trim()),
      ['orphan-model:1 has no plant_id tag, and plantIdPattern captures no plant ID from its name', 'bad-model:2 has an invalid plant ID "PLANT:1"'],
    );
  });
});
