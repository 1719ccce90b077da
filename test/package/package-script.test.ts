import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

import { repoRoot, type TaskManifest } from './task-manifest-checks';

/** Files and folders that scripts/package.mjs needs to build and package, copied into a scratch checkout. */
const CHECKOUT_PATHS = ['package.json', 'vss-extension.json', 'overview.md', 'scripts', 'src', 'tasks', 'web', 'images', 'schemas'];

function runPackageScript(checkout: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(checkout, 'scripts', 'package.mjs')], { cwd: checkout, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString('utf8');
    });
    child.stderr.on('data', (data: Buffer) => {
      output += data.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const INVALID_TASK_CASES: { name: string; change: (manifest: TaskManifest) => void; message: RegExp }[] = [
  {
    name: 'friendlyName over 40 characters',
    change: (manifest) => {
      manifest.friendlyName = 'Request model approvals from every plant engineer';
    },
    message: /friendlyName is a required string <= 40 chars/,
  },
  {
    name: 'missing instanceNameFormat',
    change: (manifest) => {
      delete manifest.instanceNameFormat;
    },
    message: /instanceNameFormat is required/,
  },
  {
    name: 'missing execution target',
    change: (manifest) => {
      manifest.execution = { Node20_1: { target: 'main.js' }, Node24: { target: 'main.js' } };
    },
    message: /target references file that does not exist: main\.js/,
  },
];

describe('scripts/package.mjs', function () {
  this.timeout(120_000);

  let checkout: string;

  beforeEach(async () => {
    checkout = await mkdtemp(path.join(os.tmpdir(), 'package-script-'));
    for (const entry of CHECKOUT_PATHS) {
      await cp(path.join(repoRoot, entry), path.join(checkout, entry), { recursive: true });
    }
    await symlink(path.join(repoRoot, 'node_modules'), path.join(checkout, 'node_modules'), 'dir');
  });

  afterEach(async () => {
    await rm(checkout, { recursive: true, force: true });
  });

  it('writes the .vsix and prints its size', async () => {
    const { code, output } = await runPackageScript(checkout);
    assert.equal(code, 0, output);
    assert.match(output, /Packaged dist\/\S+\.vsix \(\d+(\.\d+)? (KiB|MiB), \d+ bytes\)/);
    assert.deepEqual(
      (await readdir(path.join(checkout, 'dist'))).filter((name) => name.endsWith('.vsix')),
      [output.match(/Packaged dist\/(\S+\.vsix)/)?.[1]],
    );
  });

  for (const { name, change, message } of INVALID_TASK_CASES) {
    it(`rejects a task with ${name}`, async () => {
      const taskJson = path.join(checkout, 'tasks', 'RequestApprovals', 'task.json');
      const manifest = JSON.parse(await readFile(taskJson, 'utf8')) as TaskManifest;
      change(manifest);
      await writeFile(taskJson, JSON.stringify(manifest, null, 2));

      const { code, output } = await runPackageScript(checkout);
      assert.equal(code, 1, `packaging succeeded despite a task with ${name}:\n${output}`);
      assert.match(output, /Packaging failed: tfx extension create reported problems/);
      assert.match(output, message);
      const packages = (await readdir(path.join(checkout, 'dist'))).filter((file) => file.endsWith('.vsix'));
      assert.deepEqual(packages, [], 'a .vsix was kept although packaging failed');
    });
  }
});
