import assert from 'node:assert/strict';

import type { ModelDecision } from '../../src/decision/decision';
import { buildApprovalRequest } from '../../src/report/approval-request';

function decision(modelName: string, outcome: ModelDecision['outcome'], fields: Partial<ModelDecision> = {}): ModelDecision {
  return {
    model: { plantId: 'PLANT003', modelName, version: '4', tags: { line: '3' }, metrics: { accuracy: 0.95 } },
    key: `PLANT003:${modelName}:4`,
    outcome,
    rule: outcome === 'pending' ? 'approvals_missing' : 'status_approved',
    reason: 'Waiting for approval.',
    missingApprovers: [],
    approvedBy: [],
    ...fields,
  };
}

const INFO = { generatedAt: new Date('2026-12-04T10:00:00Z'), pipelineRun: { id: '7', url: 'https://dev.azure.com/contoso/p/_build/results?buildId=7' }, approvalFile: { path: '/w/a.json', sha256: 'b'.repeat(64) }, plantsFilter: [] };

describe('buildApprovalRequest', () => {
  it('requests only pending models', () => {
    const request = buildApprovalRequest([decision('a', 'pending'), decision('b', 'approved'), decision('c', 'rejected')], [], INFO);

    assert.deepEqual(request.requests.map((entry) => entry.key), ['PLANT003:a:4']);
    assert.deepEqual(request.counts, { total: 3, requests: 1, approved: 1, rejected: 1 });
  });

  it('names approvers still missing', () => {
    const approvers = [{ name: 'Bob', email: 'bob@company.com' }, { name: 'Alice', email: 'alice@company.com' }];
    const pending = decision('a', 'pending', { plantApprovers: { plantId: 'PLANT003', policy: 'all', approvers }, missingApprovers: [approvers[1]!], approvedBy: ['bob@company.com'] });

    const [entry] = buildApprovalRequest([pending], [], INFO).requests;

    assert.deepEqual(entry?.approvers, approvers);
    assert.equal(entry?.approval_policy, 'all');
    assert.deepEqual(entry?.waiting_for, ['alice@company.com']);
    assert.deepEqual(entry?.approved_by, ['bob@company.com']);
    assert.deepEqual(entry?.metrics, { accuracy: 0.95 });
    assert.equal(entry?.pipeline_run_url, INFO.pipelineRun.url);
  });

  it('leaves policy null without approvers', () => {
    const [entry] = buildApprovalRequest([decision('a', 'pending')], [], INFO).requests;

    assert.equal(entry?.approval_policy, null);
    assert.deepEqual(entry?.approvers, []);
  });
});
