import assert from 'node:assert/strict';

import type { PromotionResult, ResultEntry } from '../../src/report/promotion-result';
import { escapeCell, renderPromotionSummary } from '../../src/report/render-promotion-summary';

function entry(plant: string, model: string, status: ResultEntry['status'], reason = 'Approved in the approval file.'): ResultEntry {
  return { plant_id: plant, model_name: model, version: '1', status, key: `${plant}:${model}:1`, reason };
}

function result(entries: ResultEntry[], fields: Partial<PromotionResult> = {}): PromotionResult {
  const of = (status: ResultEntry['status']): ResultEntry[] => entries.filter((item) => item.status === status);
  return {
    schema_version: 1,
    generated_at: '2026-12-04T10:00:00.000Z',
    task: 'PromoteModels',
    pipeline_run: {},
    approval_file: { path: '/w/approval_status.json', sha256: null },
    registry: { type: 'local', target: '/w/registry' },
    dry_run: false,
    plants_filter: [],
    counts: { total: entries.length, promoted: of('promoted').length, pending_approval: of('pending_approval').length, rejected: of('rejected').length, skipped: of('already_promoted').length, failed: of('failed').length },
    promoted: of('promoted'),
    pending_approval: of('pending_approval'),
    rejected: of('rejected'),
    skipped: of('already_promoted'),
    failed: of('failed'),
    would_promote: of('would_promote'),
    unmatched_approvals: [],
    ...fields,
  };
}

describe('escapeCell', () => {
  const cases: [string, string][] = [
    ['a|b', 'a\\|b'],
    ['line 1\nline 2', 'line 1<br>line 2'],
    ['a\r\nb', 'a<br>b'],
    ['<script>', '&lt;script&gt;'],
    ['a & b', 'a &amp; b'],
    ['back\\slash', 'back\\\\slash'],
  ];
  for (const [input, expected] of cases) {
    it(`escapes ${JSON.stringify(input)}`, () => {
      assert.equal(escapeCell(input), expected);
    });
  }
});

describe('renderPromotionSummary', () => {
  it('counts models per plant', () => {
    const markdown = renderPromotionSummary(
      result([entry('PLANT001', 'm1', 'promoted'), entry('PLANT001', 'm2', 'already_promoted'), entry('PLANT002', 'm3', 'pending_approval'), entry('PLANT003', 'm4', 'failed')]),
    );

    assert.match(markdown, /\| PLANT001 \| 1 \| 0 \| 0 \| 1 \| 0 \|/);
    assert.match(markdown, /\| PLANT002 \| 0 \| 1 \| 0 \| 0 \| 0 \|/);
    assert.match(markdown, /\| PLANT003 \| 0 \| 0 \| 0 \| 0 \| 1 \|/);
    assert.match(markdown, /1 promoted, 1 pending approval, 0 rejected, 1 skipped \(already promoted\), 1 failed, out of 4 models/);
  });

  it('keeps untrusted text inside its cell', () => {
    const markdown = renderPromotionSummary(result([entry('PLANT001', 'm|<b>x</b>', 'rejected', 'no\n| injected | row |')]));

    const rows = markdown.split('\n').filter((line) => line.startsWith('| m'));
    assert.equal(rows.length, 1);
    assert.equal(rows[0], '| m\\|&lt;b&gt;x&lt;/b&gt; | 1 | Rejected | no<br>\\| injected \\| row \\| |');
  });

  it('marks a dry run', () => {
    const markdown = renderPromotionSummary(result([entry('PLANT001', 'm1', 'would_promote')], { dry_run: true }));

    assert.match(markdown, /\*\*Dry run:\*\* nothing was promoted\. Models a real run would promote: 1\./);
    assert.match(markdown, /\| m1 \| 1 \| Would promote \(dry run\) \|/);
  });

  it('lists unmatched approval entries', () => {
    const markdown = renderPromotionSummary(result([], { unmatched_approvals: [{ key: 'PLANT001:m1:4', status: 'approved', near_miss: 'The run registered version 5.' }] }));

    assert.match(markdown, /\| PLANT001:m1:4 \| approved \| The run registered version 5\. \|/);
  });
});
