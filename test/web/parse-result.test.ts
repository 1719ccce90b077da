import assert from 'node:assert/strict';
import { parsePromotionResult, ResultFormatError } from '../../web/promotion-tab/parse-result';
import { addEntry, emptyResult } from './promotion-fixtures';

function validDocument(): Record<string, unknown> {
  const result = emptyResult('job', '2026-12-04T10:00:00.000Z');
  addEntry(result, {
    plant_id: 'PLANT001',
    model_name: 'plant001-circuit01-model',
    version: '5',
    status: 'promoted',
    key: 'PLANT001:plant001-circuit01-model:5',
    reason: 'approved',
  });
  return result as unknown as Record<string, unknown>;
}

function problemsOf(content: string): readonly string[] {
  try {
    parsePromotionResult(content);
  } catch (error) {
    assert.ok(error instanceof ResultFormatError, `expected ResultFormatError, got ${String(error)}`);
    return error.problems;
  }
  assert.fail('expected the document to be rejected');
}

describe('parsePromotionResult', function () {
  it('reads UTF-8 bytes with a byte-order mark', function () {
    const bytes = new TextEncoder().encode(`\uFEFF${JSON.stringify(validDocument())}`);

    const result = parsePromotionResult(bytes.buffer as ArrayBuffer);

    assert.equal(result.promoted[0].model_name, 'plant001-circuit01-model');
  });

  it('rejects text that is not JSON', function () {
    const problems = problemsOf('{"schema_version": 1, "promoted": [tru');

    assert.equal(problems.length, 1);
    assert.match(problems[0], /^not valid JSON/);
  });

  it('rejects a newer schema version', function () {
    const problems = problemsOf(JSON.stringify({ ...validDocument(), schema_version: 2 }));

    assert.deepEqual(problems, ['/schema_version is 2 but this tab reads version 1; update the extension']);
  });

  it('names the pointer of a bad entry', function () {
    const document = validDocument();
    (document.promoted as Record<string, unknown>[])[0].status = 'shipped';
    delete (document.promoted as Record<string, unknown>[])[0].version;

    const problems = problemsOf(JSON.stringify(document));

    assert.ok(problems.includes('/promoted/0/version is missing; expected a string'), problems.join('\n'));
    assert.ok(problems.some((problem) => problem.startsWith('/promoted/0/status is "shipped"; expected one of promoted,')));
  });

  it('names a missing list', function () {
    const document = validDocument();
    delete document.failed;

    assert.deepEqual(problemsOf(JSON.stringify(document)), ['/failed is missing; expected an array of models']);
  });

  it('caps the problem list at five', function () {
    const document = validDocument();
    document.pending_approval = Array.from({ length: 8 }, () => 'not an object');

    const problems = problemsOf(JSON.stringify(document));

    assert.equal(problems.length, 6);
    assert.equal(problems[5], 'and 3 more problems');
  });
});
