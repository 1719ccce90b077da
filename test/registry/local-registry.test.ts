import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { RegistryError } from '../../src/errors';
import type { RegisteredModel } from '../../src/models/registered-model';
import { LocalRegistry, type LocalRegistryMetadata } from '../../src/registry/local-registry';
import type { RegistryCallContext } from '../../src/registry/model-registry';

const NOW = new Date('2026-12-04T10:00:00Z');

function model(fields: Partial<RegisteredModel> = {}): RegisteredModel {
  return { plantId: 'PLANT001', modelName: 'plant001-circuit01-model', version: '5', tags: { stage: 'test' }, metrics: { accuracy: 0.93 }, ...fields };
}

function context(lines: string[] = []): RegistryCallContext {
  return { log: (line) => lines.push(line), approval: { key: 'PLANT001:plant001-circuit01-model:5', rule: 'status_approved', reason: 'Approved in the approval file.', approvedBy: ['john.doe@company.com'], approvalFileSha256: 'abc' } };
}

describe('LocalRegistry', () => {
  let workspace: string;
  let root: string;
  let source: string;

  beforeEach(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'local-registry-'));
    root = path.join(workspace, 'registry');
    source = path.join(workspace, 'model');
    await mkdir(path.join(source, 'weights'), { recursive: true });
    await writeFile(path.join(source, 'model.json'), '{"format":"tfjs"}');
    await writeFile(path.join(source, 'weights', 'w.bin'), 'weights');
  });

  afterEach(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  it('copies files and metadata when promoting', async () => {
    const registry = new LocalRegistry(root, { now: () => NOW });

    const outcome = await registry.promote(model({ path: source }), context());

    const folder = path.join(root, 'plant001-circuit01-model', '5');
    assert.equal(outcome.status, 'promoted');
    assert.equal(outcome.url, folder);
    assert.equal(await readFile(path.join(folder, 'files', 'model.json'), 'utf8'), '{"format":"tfjs"}');
    assert.equal(await readFile(path.join(folder, 'files', 'weights', 'w.bin'), 'utf8'), 'weights');
    const metadata = JSON.parse(await readFile(path.join(folder, 'model.json'), 'utf8')) as LocalRegistryMetadata;
    assert.equal(metadata.key, 'PLANT001:plant001-circuit01-model:5');
    assert.equal(metadata.plant_id, 'PLANT001');
    assert.equal(metadata.promoted_at, NOW.toISOString());
    assert.equal(metadata.source_path, source);
    assert.deepEqual(metadata.metrics, { accuracy: 0.93 });
    assert.deepEqual(metadata.approval?.approved_by, ['john.doe@company.com']);
  });

  it('copies a single model file', async () => {
    const registry = new LocalRegistry(root, { now: () => NOW });
    const file = path.join(source, 'weights', 'w.bin');

    await registry.promote(model({ path: file }), context());

    assert.equal(await readFile(path.join(root, 'plant001-circuit01-model', '5', 'files', 'w.bin'), 'utf8'), 'weights');
  });

  it('finds a version after promotion', async () => {
    const registry = new LocalRegistry(root, { now: () => NOW });
    assert.deepEqual(await registry.lookup(model(), context()), { exists: false });

    await registry.promote(model({ path: source }), context());

    const found = await registry.lookup(model(), context());
    assert.equal(found.exists, true);
    assert.equal(found.url, path.join(root, 'plant001-circuit01-model', '5'));
  });

  it('keeps an existing version unchanged', async () => {
    const registry = new LocalRegistry(root, { now: () => NOW });
    await registry.promote(model({ path: source }), context());
    await writeFile(path.join(source, 'weights', 'w.bin'), 'new weights');
    const lines: string[] = [];

    const outcome = await registry.promote(model({ path: source }), context(lines));

    assert.equal(outcome.status, 'already_promoted');
    assert.equal(await readFile(path.join(root, 'plant001-circuit01-model', '5', 'files', 'weights', 'w.bin'), 'utf8'), 'weights');
    assert.match(lines.join('\n'), /left unchanged/);
  });

  it('promotes once when racing itself', async () => {
    const registry = new LocalRegistry(root, { now: () => NOW });

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => registry.promote(model({ path: source }), context())));

    assert.deepEqual(outcomes.map((outcome) => outcome.status).sort(), ['already_promoted', 'already_promoted', 'already_promoted', 'already_promoted', 'promoted']);
    assert.deepEqual(await readdir(root), ['plant001-circuit01-model']);
  });

  it('replaces an empty version folder', async () => {
    const registry = new LocalRegistry(root, { now: () => NOW });
    await mkdir(path.join(root, 'plant001-circuit01-model', '5'), { recursive: true });

    assert.deepEqual(await registry.lookup(model(), context()), { exists: false });
    const outcome = await registry.promote(model({ path: source }), context());

    assert.equal(outcome.status, 'promoted');
    assert.deepEqual((await readdir(path.join(root, 'plant001-circuit01-model', '5'))).sort(), ['files', 'model.json']);
  });

  it('rejects a foreign version folder', async () => {
    const registry = new LocalRegistry(root, { now: () => NOW });
    const folder = path.join(root, 'plant001-circuit01-model', '5');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, 'notes.txt'), 'not a promotion');

    await assert.rejects(registry.promote(model({ path: source }), context()), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.equal(error.code, 'LOCAL_REGISTRY_CONFLICT');
      assert.ok(error.message.includes(folder));
      return true;
    });
    assert.deepEqual(await readdir(folder), ['notes.txt']);
    assert.deepEqual((await readdir(root)).sort(), ['plant001-circuit01-model']);
  });

  it('promotes metadata only without a path', async () => {
    const registry = new LocalRegistry(root, { now: () => NOW });
    const lines: string[] = [];

    const outcome = await registry.promote(model(), context(lines));

    assert.equal(outcome.status, 'promoted');
    const folder = path.join(root, 'plant001-circuit01-model', '5');
    assert.deepEqual(await readdir(folder), ['model.json']);
    assert.match(lines.join('\n'), /only its metadata/);
  });

  it('rejects a missing model path', async () => {
    const registry = new LocalRegistry(root, { now: () => NOW });
    const missing = path.join(workspace, 'nowhere');

    await assert.rejects(registry.promote(model({ path: missing }), context()), (error: unknown) => {
      assert.ok(error instanceof RegistryError);
      assert.equal(error.code, 'MODEL_PATH_NOT_FOUND');
      assert.match(error.message, /nowhere/);
      return true;
    });
    assert.deepEqual(await readdir(root).catch(() => []), []);
  });

  it('rejects names that escape the folder', async () => {
    const registry = new LocalRegistry(root, { now: () => NOW });

    for (const fields of [{ modelName: '../evil' }, { version: '..' }, { version: 'a/b' }, { modelName: '.hidden' }]) {
      await assert.rejects(registry.promote(model(fields), context()), (error: unknown) => {
        assert.ok(error instanceof RegistryError);
        assert.equal(error.code, 'LOCAL_REGISTRY_INVALID_NAME');
        return true;
      });
    }
    assert.deepEqual(await readdir(workspace).then((names) => names.sort()), ['model']);
  });

  it('leaves no temporary folder after failure', async () => {
    const registry = new LocalRegistry(root, { now: () => NOW });
    // A file where the model's folder should go makes the final rename fail.
    await mkdir(root, { recursive: true });
    await writeFile(path.join(root, 'plant001-circuit01-model'), 'not a folder');

    await assert.rejects(registry.promote(model({ path: source }), context()), RegistryError);
    assert.deepEqual(await readdir(root), ['plant001-circuit01-model']);
  });
});
