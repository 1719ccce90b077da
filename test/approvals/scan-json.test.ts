import assert from 'node:assert/strict';

import { escapePointerToken, lineAndColumn, scanJson } from '../../src/approvals/scan-json';

describe('scanJson', () => {
  it('records value lines when keys span lines', () => {
    const scan = scanJson('{\n  "a": [\n    1,\n    {"b/c": 2}\n  ],\n  "d~e": null\n}');

    assert.equal(scan.syntaxError, undefined);
    assert.equal(scan.lines.get(''), 1);
    assert.equal(scan.lines.get('/a'), 2);
    assert.equal(scan.lines.get('/a/0'), 3);
    assert.equal(scan.lines.get('/a/1'), 4);
    assert.equal(scan.lines.get('/a/1/b~1c'), 4);
    assert.equal(scan.lines.get('/d~0e'), 6);
  });

  it('finds duplicates when keys differ only in escapes', () => {
    const scan = scanJson('{"a": 1,\n "\\u0061": 2}');

    assert.deepEqual(scan.duplicates, [{ objectPointer: '', key: 'a', firstLine: 1, duplicateLine: 2 }]);
  });

  it('keeps equal keys apart when objects differ', () => {
    const scan = scanJson('{"x": {"a": 1}, "y": {"a": 2}}');

    assert.deepEqual(scan.duplicates, []);
  });

  it('survives deep nesting when input is hostile', () => {
    const depth = 200_000;
    const scan = scanJson(`${'['.repeat(depth)}${']'.repeat(depth)}`);

    assert.equal(scan.syntaxError, undefined);
  });

  it('accepts what JSON.parse accepts when numbers vary', () => {
    for (const text of ['0', '-0.5e+3', '1E2', '"\\ud83d\\ude00"', '[true,false,null]', ' \t\r\n{}']) {
      assert.doesNotThrow(() => JSON.parse(text));
      assert.equal(scanJson(text).syntaxError, undefined, text);
    }
  });

  it('rejects what JSON.parse rejects when numbers are malformed', () => {
    for (const text of ['01', '1.', '.5', '+1', '0x10', '-', 'NaN', '"\\x41"', '"\\u12"']) {
      assert.throws(() => JSON.parse(text), SyntaxError);
      assert.notEqual(scanJson(text).syntaxError, undefined, text);
    }
  });
});

describe('lineAndColumn', () => {
  it('counts from one when lines end in CRLF', () => {
    assert.deepEqual(lineAndColumn('ab\r\ncd', 4), { line: 2, column: 1 });
    assert.deepEqual(lineAndColumn('ab', 0), { line: 1, column: 1 });
  });
});

describe('escapePointerToken', () => {
  it('escapes tilde before slash', () => {
    assert.equal(escapePointerToken('a~/b'), 'a~0~1b');
  });
});
