import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';

const root = path.join(__dirname, '..', '..');

/** Compiles a schema file on its own, as an editor that reads `$schema` would. */
function compileSchema(name: string): (data: unknown) => boolean {
  const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(path.join(root, 'schemas', name), 'utf8')));
}

function readFixture(name: string): string {
  return readFileSync(path.join(root, 'test', 'fixtures', name), 'utf8').replace(/^\uFEFF/, '');
}

describe('schema files', () => {
  it('accept the valid fixtures when used alone', () => {
    assert.equal(compileSchema('approval_status.schema.json')(JSON.parse(readFixture('approvals/valid.json'))), true);
    assert.equal(compileSchema('approval_status.schema.json')(JSON.parse(readFixture('approvals/bom-crlf.json'))), true);
    assert.equal(compileSchema('plant_approvers.schema.json')(yaml.load(readFixture('approvers/valid.yaml'))), true);
    assert.equal(compileSchema('registered_models.schema.json')(JSON.parse(readFixture('models/valid.json'))), true);
  });

  it('reject malformed keys when used alone', () => {
    const validate = compileSchema('approval_status.schema.json');

    for (const key of ['PLANT001::5', 'PLANT001:m', ' PLANT001:m:5', 'PLANT001:m:5:6', 'auto_approve_plant']) {
      assert.equal(validate({ [key]: 'approved' }), false, key);
    }
    assert.equal(validate({ 'PLANT 1:model name:v 2': 'approved' }), true);
  });

  it('reject metric rules when bounds are missing', () => {
    const validate = compileSchema('approval_status.schema.json');

    assert.equal(validate({ auto_approve_rules: [{ metric: 'accuracy' }] }), false);
    assert.equal(validate({ auto_approve_rules: [{ metric: 'accuracy', max: 1 }] }), true);
  });
});
