import assert from 'node:assert/strict';

import type { ModelDecision, UnmatchedApproval } from '../../src/decision/decision';
import { filterPlants } from '../../src/promotion/filter-plants';

function decision(plantId: string, modelName: string): ModelDecision {
  return {
    model: { plantId, modelName, version: '1', tags: {}, metrics: {} },
    key: `${plantId}:${modelName}:1`,
    outcome: 'approved',
    rule: 'status_approved',
    reason: 'Approved in the approval file.',
    missingApprovers: [],
    approvedBy: [],
  };
}

const decisions = [decision('PLANT001', 'a'), decision('PLANT002', 'b'), decision('PLANT003', 'c')];
const unmatched: UnmatchedApproval[] = [
  { key: 'PLANT001:x:1', status: 'approved' },
  { key: 'PLANT002:y:1', status: 'pending' },
];

describe('filterPlants', () => {
  it('keeps everything without a filter', () => {
    const selection = filterPlants(decisions, unmatched, []);

    assert.equal(selection.decisions.length, 3);
    assert.equal(selection.unmatched.length, 2);
    assert.deepEqual(selection.plantsWithoutModels, []);
  });

  it('keeps the models of listed plants', () => {
    const selection = filterPlants(decisions, unmatched, ['PLANT001', 'PLANT003']);

    assert.deepEqual(selection.decisions.map((item) => item.key), ['PLANT001:a:1', 'PLANT003:c:1']);
    assert.deepEqual(selection.unmatched.map((item) => item.key), ['PLANT001:x:1']);
  });

  it('names plants without models', () => {
    const selection = filterPlants(decisions, unmatched, ['PLANT001', 'plant002']);

    assert.deepEqual(selection.plantsWithoutModels, ['plant002']);
  });
});
