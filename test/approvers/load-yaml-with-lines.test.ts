import assert from 'node:assert/strict';

import { loadYamlWithLines } from '../../src/approvers/load-yaml-with-lines';

describe('loadYamlWithLines', () => {
  it('records key lines when mappings nest', () => {
    const { value, lines } = loadYamlWithLines('a:\n  b: 1\n\n  c:\n    - x\n    - {d: 2}\ne/f: ~\n', {});

    assert.deepEqual(value, { a: { b: 1, c: ['x', { d: 2 }] }, 'e/f': null });
    assert.equal(lines.get(''), 1);
    assert.equal(lines.get('/a'), 1);
    assert.equal(lines.get('/a/b'), 2);
    assert.equal(lines.get('/a/c'), 4);
    assert.equal(lines.get('/a/c/0'), 5);
    assert.equal(lines.get('/a/c/1/d'), 6);
    assert.equal(lines.get('/e~1f'), 7);
  });

  it('records no lines below aliases', () => {
    const { value, lines } = loadYamlWithLines('base: &base {x: 1}\ncopy: *base\n', {});

    assert.deepEqual(value, { base: { x: 1 }, copy: { x: 1 } });
    assert.equal(lines.get('/base/x'), 1);
    assert.equal(lines.get('/copy'), 2);
    assert.equal(lines.get('/copy/x'), undefined);
  });

  it('returns undefined when the text is empty', () => {
    const { value, lines } = loadYamlWithLines('', {});

    assert.equal(value, undefined);
    assert.equal(lines.size, 0);
  });
});
