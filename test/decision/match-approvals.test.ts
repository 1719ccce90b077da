import assert from 'node:assert/strict';

import { parseApprovalFile } from '../../src/approvals/parse-approval-file';
import { findUnmatchedApprovals, isWithinOneEdit } from '../../src/decision/match-approvals';
import type { RegisteredModel } from '../../src/models/registered-model';

function model(plantId: string, modelName: string, version: string): RegisteredModel {
  return { plantId, modelName, version, tags: {}, metrics: {} };
}

const models = [
  model('PLANT001', 'plant001-circuit01-model', '6'),
  model('PLANT001', 'plant001-circuit01-model', '7'),
  model('PLANT002', 'plant002-circuit05-model', '2'),
  model('PLANT003', 'plant003-circuit10-model', '4'),
];

function unmatchedFor(file: object): ReturnType<typeof findUnmatchedApprovals> {
  return findUnmatchedApprovals(parseApprovalFile(JSON.stringify(file), 'approval_status.json'), models);
}

describe('findUnmatchedApprovals', () => {
  it('returns nothing when every entry matches', () => {
    const unmatched = unmatchedFor({ 'PLANT002:plant002-circuit05-model:2': 'approved', 'PLANT003:plant003-circuit10-model:4': 'pending' });

    assert.deepEqual(unmatched, []);
  });

  it('points at other versions when only the version differs', () => {
    const [entry] = unmatchedFor({ 'PLANT001:plant001-circuit01-model:5': 'approved' });

    assert.equal(entry.key, 'PLANT001:plant001-circuit01-model:5');
    assert.equal(entry.status, 'approved');
    assert.equal(entry.nearMiss?.key, 'PLANT001:plant001-circuit01-model:6');
    assert.equal(entry.nearMiss?.explanation, 'approved version 5 while this run registered 6, 7 of plant001-circuit01-model');
  });

  it('points at the other plant when only the plant differs', () => {
    const [entry] = unmatchedFor({ 'PLANT02:plant002-circuit05-model:2': 'rejected' });

    assert.equal(entry.nearMiss?.key, 'PLANT002:plant002-circuit05-model:2');
    assert.ok(entry.nearMiss?.explanation.includes('rejected for plant PLANT02 while this run registered the model for plant PLANT002'));
  });

  it('points at the plant when only letter case differs', () => {
    const [entry] = unmatchedFor({ 'plant003:plant003-circuit10-model:4': 'approved' });

    assert.equal(entry.nearMiss?.key, 'PLANT003:plant003-circuit10-model:4');
  });

  it('points at a similar name when one edit apart', () => {
    for (const name of ['plant003-circuit1-model', 'Plant003-Circuit10-Model', 'plant003-circuit11-model', 'plant003-circuit10-models']) {
      const [entry] = unmatchedFor({ [`PLANT003:${name}:4`]: 'approved' });

      assert.equal(entry.nearMiss?.key, 'PLANT003:plant003-circuit10-model:4', name);
      assert.ok(entry.nearMiss?.explanation.includes('check the spelling'), name);
    }
  });

  it('omits the near miss when two edits apart', () => {
    const [entry] = unmatchedFor({ 'PLANT003:plant003-circuit10-modle0:4': 'approved' });

    assert.equal(entry.nearMiss, undefined);
  });

  it('omits the near miss when nothing is close', () => {
    const unmatched = unmatchedFor({ 'PLANT009:other-model:1': 'approved', 'PLANT003:plant003-circuit10-model:5x': 'approved' });

    assert.deepEqual(unmatched, [
      { key: 'PLANT009:other-model:1', status: 'approved' },
      { key: 'PLANT003:plant003-circuit10-model:5x', status: 'approved', nearMiss: unmatched[1].nearMiss },
    ]);
    assert.equal(unmatched[1].nearMiss?.key, 'PLANT003:plant003-circuit10-model:4');
  });

  it('neutralizes names in explanations when hostile', () => {
    const hostile = [model('P', '##vso[task.complete]', '2')];
    const file = parseApprovalFile('{"P:##vso[task.complete]:1": "approved"}', 'approval_status.json');
    const [entry] = findUnmatchedApprovals(file, hostile);

    assert.ok(entry.nearMiss !== undefined);
    assert.ok(!entry.nearMiss.explanation.includes('##vso['), entry.nearMiss.explanation);
  });
});

describe('isWithinOneEdit', () => {
  it('accepts one edit when strings differ slightly', () => {
    for (const [a, b] of [
      ['model', 'model'],
      ['model', 'modal'],
      ['model', 'models'],
      ['model', 'mode'],
      ['model', 'xmodel'],
      ['', 'a'],
    ]) {
      assert.equal(isWithinOneEdit(a, b), true, `${a} ${b}`);
    }
  });

  it('rejects two edits when strings differ more', () => {
    for (const [a, b] of [
      ['model', 'odel2'],
      ['model', 'mdoel'],
      ['model', 'mo'],
      ['abc', 'xyz'],
    ]) {
      assert.equal(isWithinOneEdit(a, b), false, `${a} ${b}`);
    }
  });
});
