import assert from 'node:assert/strict';

import type { ModelDecision } from '../../src/decision/decision';
import type { ModelOutcome } from '../../src/promotion/model-outcome';
import { buildPromotionResult, type PromotionRunInfo } from '../../src/report/build-promotion-result';
import type { ResultStatus } from '../../src/report/promotion-result';

const INFO: PromotionRunInfo = {
  generatedAt: new Date('2026-12-04T10:00:00Z'),
  pipelineRun: { id: '7' },
  approvalFile: { path: '/w/approval_status.json', sha256: 'a'.repeat(64) },
  registry: { type: 'local', target: '/w/registry' },
  dryRun: false,
  plantsFilter: [],
};

function outcomeOf(status: ResultStatus): ModelDecision['outcome'] {
  if (status === 'pending_approval') {
    return 'pending';
  }
  if (status === 'rejected') {
    return 'rejected';
  }
  return 'approved';
}

function outcome(plantId: string, modelName: string, version: string, status: ResultStatus, decision: Partial<ModelDecision> = {}): ModelOutcome {
  return {
    decision: {
      model: { plantId, modelName, version, tags: {}, metrics: {} },
      key: `${plantId}:${modelName}:${version}`,
      outcome: outcomeOf(status),
      rule: 'status_approved',
      reason: 'Approved in the approval file.',
      missingApprovers: [],
      approvedBy: [],
      ...decision,
    },
    status,
    reason: `reason for ${modelName}`,
    at: '2026-12-04T10:00:00.000Z',
  };
}

describe('buildPromotionResult', () => {
  it('puts each status in its array', () => {
    const statuses: ResultStatus[] = ['promoted', 'pending_approval', 'rejected', 'already_promoted', 'failed', 'would_promote'];

    const result = buildPromotionResult(statuses.map((status, index) => outcome('P1', `m${index}`, '1', status)), [], INFO);

    assert.deepEqual(result.promoted.map((entry) => entry.model_name), ['m0']);
    assert.deepEqual(result.pending_approval.map((entry) => entry.model_name), ['m1']);
    assert.deepEqual(result.rejected.map((entry) => entry.model_name), ['m2']);
    assert.deepEqual(result.skipped.map((entry) => entry.model_name), ['m3']);
    assert.deepEqual(result.failed.map((entry) => entry.model_name), ['m4']);
    assert.deepEqual(result.would_promote?.map((entry) => entry.model_name), ['m5']);
    assert.deepEqual(result.counts, { total: 6, promoted: 1, pending_approval: 1, rejected: 1, skipped: 1, failed: 1, would_promote: 1 });
  });

  it('sorts by plant, model and version', () => {
    const result = buildPromotionResult([outcome('P2', 'a', '1', 'promoted'), outcome('P1', 'b', '10', 'promoted'), outcome('P1', 'b', '9', 'promoted'), outcome('P1', 'a', '1', 'promoted')], [], INFO);

    assert.deepEqual(result.promoted.map((entry) => entry.key), ['P1:a:1', 'P1:b:9', 'P1:b:10', 'P2:a:1']);
  });

  it('lists who a pending model waits for', () => {
    const pending = outcome('P3', 'm', '4', 'pending_approval', {
      plantApprovers: { plantId: 'P3', policy: 'all', approvers: [{ name: 'Bob', email: 'bob@company.com' }, { name: 'Alice', email: 'alice@company.com' }] },
      missingApprovers: [{ name: 'Alice', email: 'alice@company.com' }],
      approvedBy: ['bob@company.com'],
    });

    const [entry] = buildPromotionResult([pending], [], INFO).pending_approval;

    assert.deepEqual(entry?.approvers, ['bob@company.com', 'alice@company.com']);
    assert.equal(entry?.approval_policy, 'all');
    assert.deepEqual(entry?.waiting_for, ['alice@company.com']);
    assert.deepEqual(entry?.approved_by, ['bob@company.com']);
  });

  it('names the closest model of a near miss', () => {
    const result = buildPromotionResult([], [{ key: 'P1:m:5', status: 'approved', nearMiss: { key: 'P1:m:6', explanation: 'approved version 5 while this run registered 6 of m' } }], INFO);

    assert.deepEqual(result.unmatched_approvals, [{ key: 'P1:m:5', status: 'approved', near_miss: 'Closest model P1:m:6: approved version 5 while this run registered 6 of m.' }]);
  });
});
