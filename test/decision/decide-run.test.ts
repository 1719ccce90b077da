import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseApprovalFile } from '../../src/approvals/parse-approval-file';
import { parseApproversFile } from '../../src/approvers/parse-approvers-file';
import { decideRun } from '../../src/decision/decide-run';
import { compilePlantIdPattern, parseModelsFile } from '../../src/models/parse-models-file';

const fixtures = path.join(__dirname, '..', 'fixtures');

function readFixture(name: string): string {
  return readFileSync(path.join(fixtures, name), 'utf8');
}

describe('decideRun', () => {
  it('decides every model when fixtures are parsed', () => {
    const models = parseModelsFile(readFixture('models/valid.json'), 'registered_models.json', { plantIdPattern: compilePlantIdPattern('^(plant\\d+)-') });
    const approvalFile = parseApprovalFile(readFixture('approvals/valid.json'), 'approval_status.json');
    const approvers = parseApproversFile(readFixture('approvers/valid.yaml'), 'config/plant_approvers.yaml');

    const { decisions, unmatched } = decideRun(models, { approvalFile, approvers, unlistedModels: 'approve' });

    assert.deepEqual(
      decisions.map((decision) => [decision.key, decision.outcome, decision.rule]),
      [
        ['PLANT001:plant001-circuit01-model:5', 'approved', 'status_approved'],
        ['PLANT002:plant002-circuit05-model:2', 'pending', 'status_pending'],
        ['PLANT003:plant003-circuit10-model:4', 'approved', 'status_approved'],
      ],
    );
    assert.deepEqual(decisions[2].approvedBy, ['bob.johnson@company.com', 'alice.williams@company.com']);
    assert.deepEqual(
      unmatched.map((entry) => entry.key),
      ['PLANT004:plant004-circuit02-model:1', 'TEST_PLANT:model:v2'],
    );
  });

  it('returns empty lists when there are no models', () => {
    const approvalFile = parseApprovalFile('{"PLANT001:m:1": "approved"}', 'approval_status.json');

    const result = decideRun([], { approvalFile, approvers: new Map(), unlistedModels: 'approve' });

    assert.deepEqual(result.decisions, []);
    assert.deepEqual(result.unmatched, [{ key: 'PLANT001:m:1', status: 'approved' }]);
  });
});
