import assert from 'node:assert/strict';

import { parseApprovalFile } from '../../src/approvals/parse-approval-file';
import type { ApproversConfig, PlantApprovers } from '../../src/approvers/plant-approvers';
import { decideModel } from '../../src/decision/decide-model';
import type { DecisionOutcome, DecisionRule, UnlistedModelAction } from '../../src/decision/decision';
import type { RegisteredModel } from '../../src/models/registered-model';

const bob = { name: 'Bob Johnson', email: 'bob.johnson@company.com', role: 'Site Lead' };
const alice = { name: 'Alice Williams', email: 'alice.williams@company.com', role: 'ML Engineer' };
const john = { name: 'John Doe', email: 'john.doe@company.com' };

const approvers: ApproversConfig = new Map<string, PlantApprovers>([
  ['PLANT001', { plantId: 'PLANT001', approvers: [john], policy: 'any' }],
  ['PLANT003', { plantId: 'PLANT003', approvers: [bob, alice], policy: 'all' }],
]);

function model(plantId: string, modelName: string, version: string, metrics: Record<string, number> = {}): RegisteredModel {
  return { plantId, modelName, version, tags: {}, metrics };
}

interface DecisionCase {
  name: string;
  file: object;
  model: RegisteredModel;
  unlisted?: UnlistedModelAction;
  outcome: DecisionOutcome;
  rule: DecisionRule;
  reason: string;
  missing?: string[];
  approvedBy?: string[];
}

const cases: DecisionCase[] = [
  {
    name: 'rejects when status is rejected',
    file: { 'PLANT001:m:5': 'rejected' },
    model: model('PLANT001', 'm', '5'),
    outcome: 'rejected',
    rule: 'status_rejected',
    reason: 'never promoted',
  },
  {
    name: 'rejects when rejected object has approvals',
    file: { 'PLANT001:m:5': { status: 'rejected', approvals: [{ approver: 'john.doe@company.com' }] } },
    model: model('PLANT001', 'm', '5'),
    outcome: 'rejected',
    rule: 'status_rejected',
    reason: 'rejected',
  },
  {
    name: 'waits when status is pending',
    file: { 'PLANT001:m:5': 'pending' },
    model: model('PLANT001', 'm', '5'),
    outcome: 'pending',
    rule: 'status_pending',
    reason: 'John Doe <john.doe@company.com> must approve before',
    missing: ['john.doe@company.com'],
  },
  {
    name: 'waits when pending under policy all lists partial approvals',
    file: { 'PLANT003:m:4': { status: 'pending', approvals: [{ approver: 'bob.johnson@company.com' }] } },
    model: model('PLANT003', 'm', '4'),
    outcome: 'pending',
    rule: 'status_pending',
    reason: 'all of Bob Johnson',
    missing: ['alice.williams@company.com'],
  },
  {
    name: 'waits when pending for plant without approvers',
    file: { 'PLANT009:m:1': 'pending' },
    model: model('PLANT009', 'm', '1'),
    outcome: 'pending',
    rule: 'status_pending',
    reason: 'change the entry to "approved"',
  },
  {
    name: 'approves when plant has no approver list',
    file: { 'PLANT009:m:1': 'approved' },
    model: model('PLANT009', 'm', '1'),
    outcome: 'approved',
    rule: 'status_approved',
    reason: 'no approver list',
  },
  {
    name: 'approves when bare approved under policy any',
    file: { 'PLANT001:m:5': 'approved' },
    model: model('PLANT001', 'm', '5'),
    outcome: 'approved',
    rule: 'status_approved',
    reason: 'accepts any one of its approvers',
  },
  {
    name: 'approves when configured approver listed under policy any',
    file: { 'PLANT001:m:5': { status: 'approved', approvals: [{ approver: 'JOHN.DOE@company.com' }, { approver: 'eve@company.com' }] } },
    model: model('PLANT001', 'm', '5'),
    outcome: 'approved',
    rule: 'status_approved',
    reason: 'Approved by John Doe <john.doe@company.com>',
    approvedBy: ['john.doe@company.com'],
  },
  {
    name: 'waits when only non-approvers approved under policy any',
    file: { 'PLANT001:m:5': { status: 'approved', approvals: [{ approver: 'eve@company.com' }] } },
    model: model('PLANT001', 'm', '5'),
    outcome: 'pending',
    rule: 'approvals_missing',
    reason: '"eve@company.com" is not a configured approver of plant PLANT001',
    missing: ['john.doe@company.com'],
  },
  {
    name: 'waits when approvals list is empty under policy any',
    file: { 'PLANT001:m:5': { status: 'approved', approvals: [] } },
    model: model('PLANT001', 'm', '5'),
    outcome: 'pending',
    rule: 'approvals_missing',
    reason: 'the approvals list is empty',
    missing: ['john.doe@company.com'],
  },
  {
    name: 'waits when bare approved under policy all',
    file: { 'PLANT003:m:4': 'approved' },
    model: model('PLANT003', 'm', '4'),
    outcome: 'pending',
    rule: 'approvals_missing',
    reason: 'still missing: Bob Johnson <bob.johnson@company.com>, Alice Williams <alice.williams@company.com>',
    missing: ['bob.johnson@company.com', 'alice.williams@company.com'],
  },
  {
    name: 'waits when one approver missing under policy all',
    file: { 'PLANT003:m:4': { status: 'approved', approvals: [{ approver: 'bob.johnson@company.com' }, { approver: 'mallory@company.com' }] } },
    model: model('PLANT003', 'm', '4'),
    outcome: 'pending',
    rule: 'approvals_missing',
    reason: 'still missing: Alice Williams <alice.williams@company.com>, and "mallory@company.com" does not count',
    missing: ['alice.williams@company.com'],
    approvedBy: ['bob.johnson@company.com'],
  },
  {
    name: 'approves when every approver listed under policy all',
    file: { 'PLANT003:m:4': { status: 'approved', approvals: [{ approver: 'alice williams' }, { approver: 'Bob.Johnson@Company.com' }] } },
    model: model('PLANT003', 'm', '4'),
    outcome: 'approved',
    rule: 'status_approved',
    reason: 'All 2 configured approvers of plant PLANT003 approved',
    approvedBy: ['bob.johnson@company.com', 'alice.williams@company.com'],
  },
  {
    name: 'approves auto entry when plant is auto-approved',
    file: { auto_approve_plants: ['TEST_PLANT'], 'TEST_PLANT:model:v2': 'auto' },
    model: model('TEST_PLANT', 'model', 'v2'),
    outcome: 'approved',
    rule: 'auto_plant',
    reason: 'plant TEST_PLANT is in auto_approve_plants',
  },
  {
    name: 'approves auto entry when metric rule passes',
    file: { auto_approve_rules: [{ metric: 'accuracy', min: 0.9 }], 'PLANT002:m:2': 'auto' },
    model: model('PLANT002', 'm', '2', { accuracy: 0.93 }),
    outcome: 'approved',
    rule: 'auto_metric',
    reason: 'accuracy 0.93 is at least 0.9',
  },
  {
    name: 'waits on auto entry when metric below minimum',
    file: { auto_approve_rules: [{ metric: 'accuracy', min: 0.9 }], 'PLANT002:m:2': 'auto' },
    model: model('PLANT002', 'm', '2', { accuracy: 0.85 }),
    outcome: 'pending',
    rule: 'auto_not_allowed',
    reason: 'accuracy 0.85 is below the minimum 0.9',
  },
  {
    name: 'waits on auto entry when one covering rule fails',
    file: {
      auto_approve_rules: [
        { metric: 'accuracy', min: 0.9 },
        { metric: 'latency_ms', max: 50, plants: ['PLANT002'] },
      ],
      'PLANT002:m:2': 'auto',
    },
    model: model('PLANT002', 'm', '2', { accuracy: 0.95, latency_ms: 80 }),
    outcome: 'pending',
    rule: 'auto_not_allowed',
    reason: 'latency_ms 80 is above the maximum 50',
  },
  {
    name: 'waits on auto entry when metric is missing',
    file: { auto_approve_rules: [{ metric: 'accuracy', min: 0.9 }], 'PLANT002:m:2': 'auto' },
    model: model('PLANT002', 'm', '2'),
    outcome: 'pending',
    rule: 'auto_not_allowed',
    reason: 'the model has no metric accuracy',
  },
  {
    name: 'waits on auto entry when no rule covers plant',
    file: { auto_approve_rules: [{ metric: 'accuracy', min: 0.9, plants: ['PLANT001'] }], 'PLANT002:m:2': 'auto' },
    model: model('PLANT002', 'm', '2', { accuracy: 0.99 }),
    outcome: 'pending',
    rule: 'auto_not_allowed',
    reason: 'no auto-approval metric rule covers this plant',
  },
  {
    name: 'waits on auto entry without any auto setting',
    file: { 'PLANT001:m:5': 'auto' },
    model: model('PLANT001', 'm', '5'),
    outcome: 'pending',
    rule: 'auto_not_allowed',
    reason: 'plant PLANT001 is not in auto_approve_plants',
    missing: ['john.doe@company.com'],
  },
  {
    name: 'approves unlisted model of auto-approved plant',
    file: { auto_approve_plants: ['TEST_PLANT'] },
    model: model('TEST_PLANT', 'model', 'v3'),
    unlisted: 'reject',
    outcome: 'approved',
    rule: 'unlisted_auto_plant',
    reason: 'plant TEST_PLANT is in auto_approve_plants',
  },
  {
    name: 'approves unlisted model passing metric rule',
    file: { auto_approve_rules: [{ metric: 'accuracy', min: 0.9, max: 1 }] },
    model: model('PLANT002', 'm', '7', { accuracy: 0.97 }),
    unlisted: 'reject',
    outcome: 'approved',
    rule: 'unlisted_auto_metric',
    reason: 'accuracy 0.97 is within 0.9 to 1',
  },
  {
    name: 'waits on unlisted model of other plant',
    file: { auto_approve_plants: ['TEST_PLANT', 'DEV_PLANT'] },
    model: model('PLANT001', 'm', '6'),
    unlisted: 'approve',
    outcome: 'pending',
    rule: 'unlisted_other_plant',
    reason: 'auto-approves only plants TEST_PLANT, DEV_PLANT; add "PLANT001:m:6": "approved"',
    missing: ['john.doe@company.com'],
  },
  {
    name: 'approves unlisted model when input is approve',
    file: {},
    model: model('PLANT009', 'm', '6'),
    unlisted: 'approve',
    outcome: 'approved',
    rule: 'unlisted_input',
    reason: 'the unlistedModels input is "approve".',
  },
  {
    name: 'names unasked approvers of unlisted model',
    file: {},
    model: model('PLANT001', 'm', '6'),
    unlisted: 'approve',
    outcome: 'approved',
    rule: 'unlisted_input',
    reason: 'plant PLANT001\'s approvers were not asked; set unlistedModels to "pending"',
  },
  {
    name: 'waits on unlisted model failing metric rule',
    file: { auto_approve_rules: [{ metric: 'accuracy', min: 0.9 }] },
    model: model('PLANT001', 'm', '6', { accuracy: 0.5 }),
    unlisted: 'approve',
    outcome: 'pending',
    rule: 'unlisted_metric_failed',
    reason: 'fails the auto-approval metric rules of plant PLANT001: accuracy 0.5 is below the minimum 0.9',
    missing: ['john.doe@company.com'],
  },
  {
    name: 'applies input when rule covers another plant',
    file: { auto_approve_rules: [{ metric: 'accuracy', min: 0.9, plants: ['PLANT004'] }] },
    model: model('PLANT009', 'm', '6', { accuracy: 0.5 }),
    unlisted: 'approve',
    outcome: 'approved',
    rule: 'unlisted_input',
    reason: 'the unlistedModels input is "approve".',
  },
  {
    name: 'waits on unlisted model when input is pending',
    file: {},
    model: model('PLANT001', 'm', '6', { accuracy: 0.5 }),
    unlisted: 'pending',
    outcome: 'pending',
    rule: 'unlisted_input',
    reason: 'the unlistedModels input is "pending"',
    missing: ['john.doe@company.com'],
  },
  {
    name: 'rejects unlisted model when input is reject',
    file: {},
    model: model('PLANT001', 'm', '6'),
    unlisted: 'reject',
    outcome: 'rejected',
    rule: 'unlisted_input',
    reason: 'the unlistedModels input is "reject"',
  },
  {
    name: 'treats keys as case sensitive when matching',
    file: { 'plant001:m:6': 'approved' },
    model: model('PLANT001', 'm', '6'),
    unlisted: 'pending',
    outcome: 'pending',
    rule: 'unlisted_input',
    reason: 'no entry',
    missing: ['john.doe@company.com'],
  },
];

describe('decideModel', () => {
  for (const testCase of cases) {
    it(testCase.name, () => {
      const approvalFile = parseApprovalFile(JSON.stringify(testCase.file), 'approval_status.json');
      const decision = decideModel(testCase.model, { approvalFile, approvers, unlistedModels: testCase.unlisted ?? 'approve' });

      assert.equal(decision.outcome, testCase.outcome);
      assert.equal(decision.rule, testCase.rule);
      assert.ok(decision.reason.includes(testCase.reason), `reason ${JSON.stringify(decision.reason)} lacks ${JSON.stringify(testCase.reason)}`);
      assert.deepEqual(
        decision.missingApprovers.map((approver) => approver.email),
        testCase.missing ?? [],
      );
      assert.deepEqual(decision.approvedBy, testCase.approvedBy ?? []);
      assert.equal(decision.key, `${testCase.model.plantId}:${testCase.model.modelName}:${testCase.model.version}`);
    });
  }

  it('fills entry and plant approvers when both exist', () => {
    const approvalFile = parseApprovalFile('{"PLANT003:m:4": "approved"}', 'approval_status.json');
    const decision = decideModel(model('PLANT003', 'm', '4'), { approvalFile, approvers, unlistedModels: 'approve' });

    assert.equal(decision.entry?.key, 'PLANT003:m:4');
    assert.equal(decision.plantApprovers?.policy, 'all');
  });

  it('neutralizes logging commands when the name is hostile', () => {
    const hostile = model('PLANT001', 'evil##vso[task.complete result=Succeeded]', '1');
    const approvalFile = parseApprovalFile('{"auto_approve_plants": ["TEST_PLANT"]}', 'approval_status.json');
    const decision = decideModel(hostile, { approvalFile, approvers: new Map(), unlistedModels: 'approve' });

    assert.equal(decision.outcome, 'pending');
    assert.ok(!decision.reason.includes('##vso['), decision.reason);
    assert.ok(decision.reason.includes('##_vso['), decision.reason);
  });

  it('ignores a shared name when two approvers have it', () => {
    const twins: ApproversConfig = new Map([
      [
        'PLANT004',
        {
          plantId: 'PLANT004',
          policy: 'any',
          approvers: [
            { name: 'Sam Lee', email: 'sam.lee@company.com' },
            { name: 'Sam Lee', email: 'sam.lee2@company.com' },
          ],
        },
      ],
    ]);
    const approvalFile = parseApprovalFile('{"PLANT004:m:1": {"status": "approved", "approvals": [{"approver": "Sam Lee"}]}}', 'approval_status.json');
    const decision = decideModel(model('PLANT004', 'm', '1'), { approvalFile, approvers: twins, unlistedModels: 'approve' });

    assert.equal(decision.outcome, 'pending');
    assert.equal(decision.rule, 'approvals_missing');
  });

  it('throws when the unlisted action is unknown', () => {
    const approvalFile = parseApprovalFile('{}', 'approval_status.json');
    const context = { approvalFile, approvers, unlistedModels: 'skip' as UnlistedModelAction };

    assert.throws(() => decideModel(model('PLANT001', 'm', '1'), context), TypeError);
  });
});
