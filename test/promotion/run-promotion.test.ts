import assert from 'node:assert/strict';

import type { TaskResultKind } from '../../src/pipeline/pipeline-host';
import { promotionTaskResult } from '../../src/promotion/run-promotion';
import type { ResultOnPending } from '../../src/promotion/task-config';
import type { PromotionResult } from '../../src/report/promotion-result';

function resultWith(counts: Partial<PromotionResult['counts']>): PromotionResult {
  return {
    counts: { total: 0, promoted: 0, pending_approval: 0, rejected: 0, skipped: 0, failed: 0, would_promote: 0, ...counts },
  } as PromotionResult;
}

describe('promotionTaskResult', () => {
  const cases: [string, Partial<PromotionResult['counts']>, ResultOnPending, TaskResultKind][] = [
    ['all promoted', { promoted: 3 }, 'failed', 'Succeeded'],
    ['all skipped', { skipped: 3 }, 'failed', 'Succeeded'],
    ['pending with succeeded', { promoted: 1, pending_approval: 1 }, 'succeeded', 'Succeeded'],
    ['pending with succeededWithIssues', { pending_approval: 1 }, 'succeededWithIssues', 'SucceededWithIssues'],
    ['rejected with failed', { rejected: 1 }, 'failed', 'Failed'],
    ['a failed promotion', { promoted: 2, failed: 1 }, 'succeeded', 'Failed'],
  ];
  for (const [name, counts, resultOnPending, expected] of cases) {
    it(`returns ${expected} for ${name}`, () => {
      const [result] = promotionTaskResult(resultWith(counts), { resultOnPending, dryRun: false });

      assert.equal(result, expected);
    });
  }

  it('counts every category in the message', () => {
    const [, message] = promotionTaskResult(resultWith({ promoted: 1, pending_approval: 2, rejected: 3, skipped: 4, failed: 5 }), { resultOnPending: 'succeeded', dryRun: false });

    assert.equal(message, '5 model promotion(s) failed: 1 promoted, 2 pending approval, 3 rejected, 4 already promoted, 5 failed.');
  });

  it('names would-be promotions in dry runs', () => {
    const [, message] = promotionTaskResult(resultWith({ would_promote: 2 }), { resultOnPending: 'succeeded', dryRun: true });

    assert.match(message, /^2 would be promoted \(dry run\),/);
  });
});
