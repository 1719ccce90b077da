import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseApprovalFile } from '../../src/approvals/parse-approval-file';
import { ApprovalFileError } from '../../src/errors';

const fixtures = path.join(__dirname, '..', 'fixtures', 'approvals');
const SOURCE = 'approval_status.json';

function readFixture(name: string): string {
  return readFileSync(path.join(fixtures, name), 'utf8');
}

/** Parses text that must be invalid and returns the error for closer checks. */
function parseInvalid(text: string): ApprovalFileError {
  try {
    parseApprovalFile(text, SOURCE);
  } catch (error) {
    assert.ok(error instanceof ApprovalFileError, `expected ApprovalFileError, got ${String(error)}`);
    assert.equal(error.code, 'INVALID_APPROVAL_FILE');
    return error;
  }
  return assert.fail(`expected ApprovalFileError for ${text}`);
}

function assertMentions(error: ApprovalFileError, ...fragments: string[]): void {
  for (const fragment of fragments) {
    assert.ok(error.message.includes(fragment), `message lacks ${JSON.stringify(fragment)}:\n${error.message}`);
  }
}

describe('parseApprovalFile', () => {
  it('reads entries and settings when the file is valid', () => {
    const file = parseApprovalFile(readFixture('valid.json'), SOURCE);

    assert.deepEqual(file.autoApprovePlants, ['TEST_PLANT', 'DEV_PLANT']);
    assert.deepEqual(file.autoApproveRules, [
      { metric: 'accuracy', min: 0.9, plants: ['PLANT002'] },
      { metric: 'latency_ms', max: 50 },
    ]);
    assert.deepEqual([...file.entries.keys()], [
      'PLANT001:plant001-circuit01-model:5',
      'PLANT002:plant002-circuit05-model:2',
      'PLANT003:plant003-circuit10-model:4',
      'PLANT004:plant004-circuit02-model:1',
      'TEST_PLANT:model:v2',
    ]);
    const plant003 = file.entries.get('PLANT003:plant003-circuit10-model:4');
    assert.equal(plant003?.status, 'approved');
    assert.equal(plant003?.plantId, 'PLANT003');
    assert.equal(plant003?.modelName, 'plant003-circuit10-model');
    assert.equal(plant003?.version, '4');
    assert.deepEqual(plant003?.approvals, [
      { approver: 'bob.johnson@company.com', at: '2026-12-01T09:30:00Z', comment: 'line 3 ok' },
      { approver: 'alice.williams@company.com', at: '2026-12-02T14:00:00Z' },
    ]);
    assert.equal(file.entries.get('TEST_PLANT:model:v2')?.version, 'v2');
    assert.equal(file.entries.get('PLANT001:plant001-circuit01-model:5')?.approvals, undefined);
  });

  it('accepts status strings when no settings exist', () => {
    const file = parseApprovalFile(readFixture('status-strings.json'), SOURCE);

    assert.equal(file.entries.size, 4);
    assert.equal(file.entries.get('PLANT003:plant003-circuit10-model:4')?.status, 'rejected');
    assert.deepEqual(file.autoApprovePlants, []);
  });

  it('accepts BOM and CRLF when present', () => {
    const text = readFixture('bom-crlf.json');
    assert.ok(text.startsWith('\uFEFF'));
    assert.ok(text.includes('\r\n'));

    const file = parseApprovalFile(text, SOURCE);

    assert.deepEqual(file.autoApprovePlants, ['TEST_PLANT']);
    assert.equal(file.entries.get('PLANT001:plant001-circuit01-model:5')?.status, 'approved');
  });

  it('accepts an empty object when nothing is listed', () => {
    const file = parseApprovalFile('{}', SOURCE);

    assert.equal(file.entries.size, 0);
    assert.deepEqual(file.autoApproveRules, []);
  });

  it('rejects the file when it is empty', () => {
    for (const text of ['', '  \n', '\uFEFF']) {
      const error = parseInvalid(text);
      assertMentions(error, SOURCE, 'The file is empty', '"approved"');
      assert.equal(error.problems.length, 1);
    }
  });

  it('gives line and column when JSON is invalid', () => {
    const cases: Array<{ text: string; location: string; words: string }> = [
      { text: '{\n  "PLANT001:m:5": \n}', location: '3:1', words: 'Expected a value' },
      { text: '{\n  "PLANT001:m:5": "approved",\n}', location: '3:1', words: "trailing comma before '}'" },
      { text: '{\r\n  "PLANT001:m:5": "approved"\r\n  "PLANT001:m:6": "approved"\r\n}', location: '3:3', words: "Expected ',' or '}'" },
      { text: "{\n  'PLANT001:m:5': 'approved'\n}", location: '2:3', words: 'double quotes' },
      { text: '{\n  // approved by Bob\n  "PLANT001:m:5": "approved"\n}', location: '2:3', words: 'Comments are not allowed' },
      { text: '{"PLANT001:m:5": "approved"', location: '1:28', words: 'not closed' },
      { text: '{"a": [1, 2,]}', location: '1:13', words: "trailing comma before ']'" },
      { text: '{"a": tru}', location: '1:7', words: 'true, false and null' },
      { text: '{} {}', location: '1:4', words: 'after the end' },
      { text: '{"a": "line\nbreak"}', location: '1:12', words: 'must be escaped' },
    ];
    for (const { text, location, words } of cases) {
      const error = parseInvalid(text);
      assert.equal(error.problems.length, 1, error.message);
      assert.equal(error.problems[0].location, location, `${JSON.stringify(text)}: ${error.message}`);
      assertMentions(error, 'is invalid JSON', words);
    }
  });

  it('rejects the root when it is not an object', () => {
    for (const text of ['[]', '"approved"', '42', 'null']) {
      const error = parseInvalid(text);
      assertMentions(error, 'must contain a JSON object', `found ${text}`);
    }
  });

  it('reports both lines when a top-level key repeats', () => {
    const text = '{\n  "PLANT001:m:5": "approved",\n  "PLANT002:m:1": "pending",\n  "PLANT001:m:5": "rejected"\n}';
    const error = parseInvalid(text);

    assert.equal(error.problems.length, 1);
    assertMentions(error, '/PLANT001:m:5 (line 4)', '"PLANT001:m:5" twice, on lines 2 and 4', 'each key once');
  });

  it('reports both lines when a nested key repeats', () => {
    const text = [
      '{',
      '  "PLANT003:m:4": {',
      '    "status": "approved",',
      '    "approvals": [{"approver": "bob@company.com",',
      '                   "approver": "alice@company.com"}],',
      '    "status": "pending"',
      '  }',
      '}',
    ].join('\n');
    const error = parseInvalid(text);

    assert.equal(error.problems.length, 2, error.message);
    assertMentions(error, '/PLANT003:m:4/approvals/0/approver (line 5)', 'on lines 4 and 5', '/PLANT003:m:4/status (line 6)', 'on lines 3 and 6');
  });

  it('reports an unknown status with allowed values', () => {
    const error = parseInvalid('{\n  "PLANT001:m:5": "aproved"\n}');

    assertMentions(error, '/PLANT001:m:5 (line 2)', 'is not an accepted value', 'found "aproved"', 'approved, pending, rejected, auto');
  });

  it('reports an unknown status inside an object', () => {
    const error = parseInvalid('{"PLANT001:m:5": {"status": "yes"}}');

    assertMentions(error, '/PLANT001:m:5/status', 'found "yes"', 'approved, pending, rejected, auto');
  });

  it('reports a wrong entry type with both forms', () => {
    for (const value of ['true', '5', 'null', '["approved"]']) {
      const error = parseInvalid(`{"PLANT001:m:5": ${value}}`);
      assert.equal(error.problems.length, 1, error.message);
      assertMentions(error, '/PLANT001:m:5', 'has the wrong type', `found ${value}`, 'a status string (approved, pending, rejected, auto) or an object');
    }
  });

  it('reports malformed keys with the part at fault', () => {
    const cases: Array<{ key: string; words: string }> = [
      { key: 'PLANT001:model', words: 'it has 2 parts' },
      { key: 'PLANT001:model:5:extra', words: 'it has 4 parts' },
      { key: 'PLANT001::5', words: 'the MODEL_NAME part is empty' },
      { key: ':model:5', words: 'the PLANT_ID part is empty' },
      { key: 'PLANT001:model:', words: 'the VERSION part is empty' },
      { key: 'PLANT001 :model:5', words: 'the PLANT_ID part has spaces at its start or end; remove them' },
      { key: 'PLANT001: model : 5', words: 'the MODEL_NAME and VERSION parts have spaces' },
      { key: 'PLANT001:mo\\tdel:5', words: 'the MODEL_NAME part contains a control character' },
    ];
    for (const { key, words } of cases) {
      const error = parseInvalid(`{"${key}": "approved"}`);
      assert.equal(error.problems.length, 1, error.message);
      assertMentions(error, 'is a malformed approval key', words, '<PLANT_ID>:<MODEL_NAME>:<VERSION> with three non-empty parts');
    }
  });

  it('reports an unknown setting with accepted settings', () => {
    const error = parseInvalid('{\n  "auto_approve_plant": ["TEST_PLANT"]\n}');

    assert.equal(error.problems.length, 1);
    assertMentions(error, '/auto_approve_plant (line 2)', 'is an unknown setting', 'found "auto_approve_plant"', '$schema, auto_approve_plants, auto_approve_rules');
  });

  it('reports wrong setting types with pointers', () => {
    const error = parseInvalid('{"auto_approve_plants": "TEST_PLANT", "auto_approve_rules": {"metric": "accuracy"}, "$schema": 1}');

    assertMentions(error, '/auto_approve_plants', 'found "TEST_PLANT"', 'Allowed: an array', '/auto_approve_rules', '/$schema', 'Allowed: a string');
    assert.equal(error.problems.length, 3, error.message);
  });

  it('reports bad plant IDs in auto_approve_plants', () => {
    const error = parseInvalid('{"auto_approve_plants": ["TEST_PLANT", 7, "A:B", " DEV", "", "TEST_PLANT"]}');

    assertMentions(
      error,
      '/auto_approve_plants/1',
      'found 7',
      '/auto_approve_plants/2',
      'found "A:B"',
      '/auto_approve_plants/3',
      '/auto_approve_plants/4',
      "a plant ID: non-empty text without ':'",
      'lists the same value twice (items 0 and 5)',
    );
  });

  it('reports metric rules without bounds', () => {
    const error = parseInvalid(
      JSON.stringify({
        auto_approve_rules: [{ metric: 'accuracy' }, { metric: '', min: 'high' }, { metric: 'f1', min: 0.9, max: 0.5 }, { metric: 'f1', max: 1, plant: ['P'] }, { min: 1 }],
      }),
    );

    assertMentions(
      error,
      '/auto_approve_rules/0',
      'needs at least one of "min", "max"',
      '/auto_approve_rules/1/metric',
      'must not be empty',
      '/auto_approve_rules/1/min',
      'found "high"',
      '/auto_approve_rules/2',
      'min 0.9 greater than max 0.5',
      '/auto_approve_rules/3/plant',
      'metric, min, max, plants',
      '/auto_approve_rules/4',
      'missing the required property "metric"',
    );
  });

  it('reports bad approvals with pointer and value', () => {
    const text = JSON.stringify({
      'PLANT003:m:4': {
        status: 'approved',
        approvals: [{ approver: '' }, { approver: 'bob@company.com', at: 'yesterday' }, { approver: 'eve@company.com', by: 'x' }, 'alice@company.com', { at: '2026-12-01T09:30:00Z' }],
        approved: true,
      },
    });
    const error = parseInvalid(text);

    assertMentions(
      error,
      '/PLANT003:m:4/approvals/0/approver',
      'must not be empty',
      '/PLANT003:m:4/approvals/1/at',
      'found "yesterday"',
      'RFC 3339',
      '/PLANT003:m:4/approvals/2/by',
      'approver, at, comment',
      '/PLANT003:m:4/approvals/3',
      'found "alice@company.com"',
      'an object',
      '/PLANT003:m:4/approvals/4',
      'missing the required property "approver"',
      '/PLANT003:m:4/approved',
      'status, approvals',
    );
  });

  it('reports every problem when several exist', () => {
    const text = [
      '{',
      '  "auto_approve_plans": [],',
      '  "PLANT001:m": "approved",',
      '  "PLANT002:m:1": "maybe",',
      '  "PLANT002:m:2": "approved",',
      '  "PLANT002:m:2": "pending",',
      '  "PLANT003:m:2": {"approvals": []}',
      '}',
    ].join('\n');
    const error = parseInvalid(text);

    assert.equal(error.problems.length, 5, error.message);
    assert.deepEqual(
      error.problems.map((problem) => problem.location),
      ['/auto_approve_plans (line 2)', '/PLANT001:m (line 3)', '/PLANT002:m:1 (line 4)', '/PLANT002:m:2 (line 6)', '/PLANT003:m:2 (line 7)'],
    );
    assert.ok(error.message.startsWith('Approval file approval_status.json is invalid (5 problem(s))'), error.message);
  });

  it('neutralizes logging commands when keys are hostile', () => {
    const error = parseInvalid('{"##vso[task.complete result=Succeeded]x": "approved", "P:m:1": "##vso[task.setvariable variable=a]b"}');

    assert.ok(!error.message.includes('##vso['), error.message);
    assertMentions(error, '##_vso[task.complete');
  });
});
