import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { parseApproversFile } from '../../src/approvers/parse-approvers-file';
import { ApproversFileError } from '../../src/errors';

const fixtures = path.join(__dirname, '..', 'fixtures', 'approvers');
const SOURCE = 'config/plant_approvers.yaml';

function readFixture(name: string): string {
  return readFileSync(path.join(fixtures, name), 'utf8');
}

/** Parses text that must be invalid and returns the error for closer checks. */
function parseInvalid(text: string): ApproversFileError {
  try {
    parseApproversFile(text, SOURCE);
  } catch (error) {
    assert.ok(error instanceof ApproversFileError, `expected ApproversFileError, got ${String(error)}`);
    assert.equal(error.code, 'INVALID_APPROVERS_FILE');
    return error;
  }
  return assert.fail(`expected ApproversFileError for ${text}`);
}

function assertMentions(error: ApproversFileError, ...fragments: string[]): void {
  for (const fragment of fragments) {
    assert.ok(error.message.includes(fragment), `message lacks ${JSON.stringify(fragment)}:\n${error.message}`);
  }
}

describe('parseApproversFile', () => {
  it('reads both plant forms when the file is valid', () => {
    const config = parseApproversFile(readFixture('valid.yaml'), SOURCE);

    assert.deepEqual([...config.keys()], ['PLANT001', 'PLANT002', 'PLANT003']);
    assert.deepEqual(config.get('PLANT001'), {
      plantId: 'PLANT001',
      policy: 'any',
      approvers: [{ name: 'John Doe', email: 'john.doe@company.com', role: 'Plant Engineer' }],
    });
    const plant003 = config.get('PLANT003');
    assert.equal(plant003?.policy, 'all');
    assert.deepEqual(
      plant003?.approvers.map((approver) => approver.email),
      ['bob.johnson@company.com', 'alice.williams@company.com'],
    );
  });

  it('defaults the policy to any when the mapping omits it', () => {
    const config = parseApproversFile('approvers:\n  PLANT001:\n    approvers:\n      - {name: Jane, email: jane@company.com}\n', SOURCE);

    assert.equal(config.get('PLANT001')?.policy, 'any');
    assert.deepEqual(config.get('PLANT001')?.approvers, [{ name: 'Jane', email: 'jane@company.com' }]);
  });

  it('returns no plants when the file is empty', () => {
    for (const text of ['', '\n', '# no approvers yet\n', 'approvers:\n', 'approvers: {}\n', '\uFEFFapprovers:\r\n']) {
      assert.equal(parseApproversFile(text, SOURCE).size, 0, JSON.stringify(text));
    }
  });

  it('keeps plant keys literal when they look typed', () => {
    const text = [
      'approvers:',
      '  001: [{name: A, email: a@company.com}]',
      '  true: [{name: B, email: b@company.com}]',
      '  1e3: [{name: C, email: c@company.com}]',
      '  null: [{name: D, email: d@company.com}]',
      '  0x1F: [{name: E, email: e@company.com}]',
      '  1: [{name: F, email: f@company.com}]',
      '  2026-12-01: [{name: G, email: g@company.com}]',
    ].join('\n');
    const config = parseApproversFile(text, SOURCE);

    assert.deepEqual([...config.keys()].sort(), ['001', '0x1F', '1', '1e3', '2026-12-01', 'null', 'true']);
    assert.equal(config.get('001')?.plantId, '001');
    assert.equal(config.get('1')?.approvers[0].name, 'F');
  });

  it('accepts CRLF and BOM when present', () => {
    const text = '\uFEFFapprovers:\r\n  PLANT001:\r\n    - name: "John Doe"\r\n      email: john.doe@company.com\r\n';

    assert.equal(parseApproversFile(text, SOURCE).get('PLANT001')?.approvers[0].name, 'John Doe');
  });

  it('explains the accepted form when policy follows the list', () => {
    const error = parseInvalid(readFixture('policy-after-list.yaml'));

    assert.equal(error.problems.length, 1);
    assert.equal(error.problems[0].location, '19:5');
    assertMentions(
      error,
      `${SOURCE} 19:5`,
      'approval_policy after the list of approvers of PLANT003',
      'PLANT003: {approvers: [{name: ..., email: ...}, ...], approval_policy: all}',
    );
  });

  it('explains the accepted form when policy sits beside the plant', () => {
    const error = parseInvalid('approvers:\n  PLANT003:\n  - {name: Bob, email: bob@company.com}\n  approval_policy: all\n');

    assertMentions(error, '/approvers/approval_policy', 'found "all"', 'indent approvers: and approval_policy: under the plant ID');
  });

  it('explains the accepted form when policy sits in an approver', () => {
    const error = parseInvalid('approvers:\n  PLANT003:\n    - name: Bob\n      email: bob@company.com\n      approval_policy: all\n');

    assertMentions(error, '/approvers/PLANT003/0/approval_policy', 'approval_policy belongs to the plant', 'PLANT001: {approvers: [...], approval_policy: all}');
  });

  it('reports tabs when indentation uses them', () => {
    const error = parseInvalid('approvers:\n\tPLANT001:\n\t\t- {name: A, email: a@company.com}\n');

    assert.equal(error.problems[0].location, '2:1');
    assertMentions(error, 'uses a tab for indentation', 'spaces for indentation');
  });

  it('gives line and column when YAML is invalid', () => {
    const error = parseInvalid('approvers:\n  PLANT001: [{name: A, email: a@company.com}\n');

    assert.equal(error.problems.length, 1);
    assert.match(error.problems[0].location, /^3:1$/);
    assertMentions(error, 'is invalid YAML', 'flow collection');
  });

  it('reports a plant listed twice', () => {
    const error = parseInvalid('approvers:\n  PLANT001: [{name: A, email: a@company.com}]\n  PLANT001: [{name: B, email: b@company.com}]\n');

    assert.equal(error.problems[0].location, '3:3');
    assertMentions(error, 'repeats the key "PLANT001" of the same mapping', 'merge the two entries');
  });

  it('rejects typed scalars when text is expected', () => {
    const error = parseInvalid('approvers:\n  PLANT001:\n    - name: 123\n      email: true\n      role: 1.5\n');

    assert.equal(error.problems.length, 3, error.message);
    assertMentions(
      error,
      '/approvers/PLANT001/0/name',
      'found 123',
      '/approvers/PLANT001/0/email',
      'found true',
      '/approvers/PLANT001/0/role',
      'found 1.5',
      'put quotes around a value',
    );
  });

  it('reports shape problems with accepted keys', () => {
    const text = [
      'approvers:',
      '  PLANT001:',
      '    - name: A',
      '      mail: a@company.com',
      '  PLANT002:',
      '  PLANT003: []',
      '  PLANT004: {approvers: [{name: D, email: d@company.com}], approval_policy: most, notify: yes}',
      '  PLANT005: {approval_policy: all}',
      '  PLANT006: "jane@company.com"',
      '  "A:B": [{name: E, email: e@company.com}]',
      '  PLANT007: [{name: " ", email: not-an-email}]',
    ].join('\n');
    const error = parseInvalid(text);

    assertMentions(
      error,
      '/approvers/PLANT001/0/mail (line 4)',
      'is an unknown property "mail". Allowed: name, email, role',
      '/approvers/PLANT001/0 (line 3): is missing the required property "email"',
      '/approvers/PLANT002 (line 5): has the wrong type (found null)',
      '/approvers/PLANT003 (line 6): must list at least 1 item(s)',
      '/approvers/PLANT004/approval_policy (line 7)',
      'found "most"',
      'Allowed: any, all',
      '/approvers/PLANT004/notify',
      'approvers, approval_policy',
      '/approvers/PLANT005 (line 8): is missing the required property "approvers"',
      '/approvers/PLANT006 (line 9)',
      'a list of approvers, or a mapping {approvers: [...], approval_policy: any | all}',
      '/approvers/A:B (line 10): is an invalid key',
      '/approvers/PLANT007/0/name (line 11)',
      '/approvers/PLANT007/0/email',
      'found "not-an-email"',
      'an e-mail address',
    );
    assert.equal(error.problems.length, 11, error.message);
    const lines = error.problems.map((problem) => Number(/\(line (\d+)\)$/.exec(problem.location)?.[1]));
    assert.deepEqual(lines, [...lines].sort((a, b) => a - b));
  });

  it('gives lines when values sit in nested mappings', () => {
    const text = [
      'approvers:',
      '  PLANT001:',
      '    approvers:',
      '      - name: A',
      '        email: a@company.com',
      '',
      '      - name: B',
      '        email: not-an-email',
      '    approval_policy: every',
      '  PLANT002: [{name: C, email: c@company.com}, {name: D, email: "d at company"}]',
    ].join('\r\n');
    const error = parseInvalid(text);

    assert.deepEqual(
      error.problems.map((problem) => problem.location),
      ['/approvers/PLANT001/approvers/1/email (line 8)', '/approvers/PLANT001/approval_policy (line 9)', '/approvers/PLANT002/1/email (line 10)'],
    );
  });

  it('reports top-level plants when approvers key is missing', () => {
    const error = parseInvalid('PLANT001:\n  - {name: A, email: a@company.com}\n');

    assertMentions(error, '/PLANT001', 'is an unknown property "PLANT001"', 'put each plant under approvers:');
  });

  it('rejects the root when it is a list', () => {
    const error = parseInvalid('- name: A\n  email: a@company.com\n');

    assertMentions(error, 'has the wrong type', 'a mapping with the key approvers');
  });

  it('reports duplicate emails when letter case differs', () => {
    const error = parseInvalid('approvers:\n  PLANT001:\n    - {name: A, email: a@company.com}\n    - {name: B, email: A@Company.com}\n');

    assertMentions(error, '/approvers/PLANT001/1/email', 'repeats the e-mail address of /approvers/PLANT001/0', 'found "A@Company.com"');
  });

  it('stops expanding aliases when they multiply', () => {
    const levels = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 8; level += 1) {
      levels.push(`a${level}: &a${level} [${Array(10).fill(`*a${level - 1}`).join(', ')}]`);
    }
    const error = parseInvalid(`${levels.join('\n')}\n`);

    assertMentions(error, 'once its YAML aliases are expanded');
  });

  it('neutralizes logging commands when names are hostile', () => {
    const error = parseInvalid('approvers:\n  "##vso[task.complete result=Succeeded]": [{name: A, email: "##vso[x]"}]\n');

    assert.ok(!error.message.includes('##vso['), error.message);
  });
});
