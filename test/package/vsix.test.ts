import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { crc32, inflateSync } from 'node:zlib';

import JSZip from 'jszip';

import {
  TASK_FOLDERS,
  assertMinimumAgentVersionCoversHandlers,
  loadTaskSchemaValidator,
  readTaskManifest,
  repoRoot,
  type TaskManifest,
} from './task-manifest-checks';
import { loggingCommands, runTask, type TaskRun } from './run-task';

interface ExtensionManifest {
  publisher: string;
  id: string;
  version: string;
  icons: { default: string };
  content: { details: { path: string } };
}

interface Contribution {
  id: string;
  type: string;
  targets: string[];
  properties: Record<string, unknown>;
}

interface VsoManifest {
  scopes: string[];
  contributions: Contribution[];
}

const TASK_CONTRIBUTION_TYPE = 'ms.vss-distributed-task.task';

/** Runs a command in the repository and rejects with its output when it fails. */
function runCommand(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString('utf8');
    });
    child.stderr.on('data', (data: Buffer) => {
      output += data.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${args.join(' ')} failed with exit code ${code}:\n${output}`));
    });
  });
}

interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Reads a PNG's IHDR after checking the signature, every chunk's CRC, and that the image data
 * inflates to exactly the size the header implies (non-interlaced images only).
 */
function readPng(buffer: Buffer, name: string): PngHeader {
  assert.ok(buffer.subarray(0, 8).equals(PNG_SIGNATURE), `${name} has no PNG signature`);

  const chunks: { type: string; data: Buffer }[] = [];
  let offset = 8;
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const typeAndData = buffer.subarray(offset + 4, offset + 8 + length);
    const storedCrc = buffer.readUInt32BE(offset + 8 + length);
    assert.equal(crc32(typeAndData), storedCrc, `${name}: CRC mismatch in chunk at byte ${offset}`);
    chunks.push({ type: typeAndData.subarray(0, 4).toString('ascii'), data: typeAndData.subarray(4) });
    offset += 12 + length;
  }

  assert.equal(chunks[0]?.type, 'IHDR', `${name}: the first chunk is not IHDR`);
  assert.equal(chunks.at(-1)?.type, 'IEND', `${name}: the last chunk is not IEND`);
  const header = chunks[0].data;
  const png = { width: header.readUInt32BE(0), height: header.readUInt32BE(4), bitDepth: header[8], colorType: header[9] };
  assert.equal(header[12], 0, `${name} is interlaced, which this check does not decode`);

  const channels = PNG_CHANNELS[png.colorType];
  assert.ok(channels, `${name} has the unknown color type ${png.colorType}`);
  const imageData = inflateSync(Buffer.concat(chunks.filter((chunk) => chunk.type === 'IDAT').map((chunk) => chunk.data)));
  const rowBytes = Math.ceil((png.width * channels * png.bitDepth) / 8);
  assert.equal(imageData.length, png.height * (1 + rowBytes), `${name}: image data does not match ${png.width}x${png.height}`);
  return png;
}

/** Returns the sorted model keys of each category of a promotion result, for comparing runs. */
function resultCategories(result: Record<string, unknown>): Record<string, string[]> {
  const categories: Record<string, string[]> = {};
  for (const category of ['promoted', 'pending_approval', 'rejected', 'skipped', 'failed']) {
    const entries = result[category] as { plant_id: string; model_name: string; version: string }[];
    assert.ok(Array.isArray(entries), `result has no "${category}" array`);
    categories[category] = entries.map((entry) => `${entry.plant_id}:${entry.model_name}:${entry.version}`).sort();
  }
  return categories;
}

/** Replaces the run's folder and every ISO 8601 time, so two runs of the same scenario compare equal. */
function normalizeRunDocument(text: string, workFolder: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'string') return value;
    return value
      .split(workFolder)
      .join('<work>')
      .replace(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g, '<time>');
  });
}

describe('extension package', function () {
  this.timeout(240_000);

  const extensionManifest = JSON.parse(readFileSync(path.join(repoRoot, 'vss-extension.json'), 'utf8')) as ExtensionManifest;
  const vsixPath = path.join(repoRoot, 'dist', `${extensionManifest.publisher}.${extensionManifest.id}-${extensionManifest.version}.vsix`);

  let scratch: string;
  let unpacked: string;
  let entries: string[];
  let vsoManifest: VsoManifest;
  let vsixManifest: string;

  before(async () => {
    await runCommand(process.execPath, [path.join(repoRoot, 'scripts', 'package.mjs')]);

    scratch = await mkdtemp(path.join(os.tmpdir(), 'vsix-test-'));
    unpacked = path.join(scratch, 'unpacked');
    const zip = await JSZip.loadAsync(await readFile(vsixPath));
    entries = Object.keys(zip.files);
    for (const entry of Object.values(zip.files)) {
      // A package entry must never point outside the folder it is unpacked into.
      const target = path.resolve(unpacked, entry.name);
      assert.ok(target.startsWith(unpacked + path.sep), `package entry "${entry.name}" points outside the package`);
      if (entry.dir) continue;
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, await entry.async('nodebuffer'));
    }

    vsoManifest = JSON.parse(await readFile(path.join(unpacked, 'extension.vsomanifest'), 'utf8')) as VsoManifest;
    vsixManifest = await readFile(path.join(unpacked, 'extension.vsixmanifest'), 'utf8');
  });

  after(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  function taskContributions(): Contribution[] {
    return vsoManifest.contributions.filter((contribution) => contribution.type === TASK_CONTRIBUTION_TYPE);
  }

  function packagedTaskFolder(taskFolder: string): string {
    const contribution = taskContributions().find((candidate) => path.basename(String(candidate.properties.name)) === taskFolder);
    assert.ok(contribution, `no task contribution packages the task folder ${taskFolder}`);
    return path.join(unpacked, String(contribution.properties.name));
  }

  function isAddressable(packagePath: string): boolean {
    const assets = [...vsixManifest.matchAll(/<Asset [^>]*Path="([^"]+)"[^>]*Addressable="true"/g)].map((match) => match[1]);
    return assets.includes(packagePath);
  }

  describe('manifest', () => {
    it('names the extension identity', () => {
      assert.match(vsixManifest, new RegExp(`<Identity [^>]*Id="${extensionManifest.id}"[^>]*Publisher="${extensionManifest.publisher}"`));
      assert.match(vsixManifest, new RegExp(`Version="${extensionManifest.version.replace(/\./g, '\\.')}"`));
      assert.match(vsixManifest, /<Categories>Azure Pipelines<\/Categories>/);
    });

    it('requests only build and release scopes', () => {
      // The tab reads build and release attachments and nothing else, so no wider scope is needed.
      assert.deepEqual([...vsoManifest.scopes].sort(), ['vso.build', 'vso.release']);
    });

    it('contributes one task per task folder', () => {
      const contributions = taskContributions();
      assert.equal(contributions.length, TASK_FOLDERS.length);
      for (const contribution of contributions) {
        assert.deepEqual(contribution.targets, ['ms.vss-distributed-task.tasks'], `task contribution ${contribution.id} has the wrong targets`);
      }
      for (const folder of TASK_FOLDERS) packagedTaskFolder(folder);
    });

    it('contains no node_modules', () => {
      const bundled = entries.filter((entry) => entry.split('/').includes('node_modules'));
      assert.deepEqual(bundled, []);
    });
  });

  describe('tasks', () => {
    for (const folder of TASK_FOLDERS) {
      describe(folder, () => {
        let packaged: TaskManifest;
        const source = readTaskManifest(path.join(repoRoot, 'tasks', folder, 'task.json'));

        before(() => {
          packaged = readTaskManifest(path.join(packagedTaskFolder(folder), 'task.json'));
        });

        it('matches the source task.json', () => {
          assert.equal(packaged.id, source.id);
          assert.equal(packaged.name, source.name);
          assert.deepEqual(packaged.version, source.version, `packaged ${folder} version differs from tasks/${folder}/task.json`);
          assert.deepEqual(packaged, source);
        });

        it('is valid against the task schema', () => {
          assert.deepEqual(loadTaskSchemaValidator()(packaged), []);
        });

        it('covers every handler with minimumAgentVersion', () => {
          assertMinimumAgentVersionCoversHandlers(packaged);
        });

        it('contains every execution target', async () => {
          for (const [handler, { target }] of Object.entries(packaged.execution ?? {})) {
            const file = path.join(packagedTaskFolder(folder), target);
            const text = await readFile(file, 'utf8').catch(() => undefined);
            assert.ok(text, `${handler} target ${target} is missing from the package`);
            assert.doesNotMatch(text, /require\(["']azure-pipelines-task-lib/, `${target} still requires task-lib from node_modules`);
          }
        });

        it('has a 32x32 PNG icon', async () => {
          const icon = readPng(await readFile(path.join(packagedTaskFolder(folder), 'icon.png')), `${folder}/icon.png`);
          assert.equal(icon.width, 32);
          assert.equal(icon.height, 32);
        });
      });
    }
  });

  describe('Marketplace page', () => {
    it('has a 128x128 PNG extension icon', async () => {
      const iconPath = extensionManifest.icons.default;
      assert.match(vsixManifest, new RegExp(`<Icon>${iconPath}</Icon>`));
      const icon = readPng(await readFile(path.join(unpacked, iconPath)), iconPath);
      assert.equal(icon.width, 128);
      assert.equal(icon.height, 128);
    });

    it('uses overview.md as details', () => {
      assert.match(vsixManifest, /Type="Microsoft\.VisualStudio\.Services\.Content\.Details"[^>]*Path="overview\.md"/);
    });

    it('resolves every relative link of overview.md', async () => {
      const overview = await readFile(path.join(unpacked, extensionManifest.content.details.path), 'utf8');
      const links = [...overview.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]).filter((link) => !/^[a-z]+:|^#/i.test(link));
      assert.ok(links.length > 0, 'overview.md has no relative links, so it shows no screenshot and no schemas');
      for (const link of links) {
        assert.ok(entries.includes(link), `overview.md links to ${link}, which is not in the package`);
        assert.ok(isAddressable(link), `overview.md links to ${link}, which the package does not serve (not addressable)`);
      }
    });
  });

  describe('summary tab', () => {
    function tabContributions(): Contribution[] {
      return vsoManifest.contributions.filter((contribution) => typeof contribution.properties.uri === 'string');
    }

    it('contributes a build results tab', () => {
      const buildTab = tabContributions().find((contribution) => contribution.type === 'ms.vss-build-web.build-results-tab');
      assert.ok(buildTab, 'no ms.vss-build-web.build-results-tab contribution');
      assert.deepEqual(buildTab.targets, ['ms.vss-build-web.build-results-view']);
      const taskIds = TASK_FOLDERS.map((folder) => readTaskManifest(path.join(repoRoot, 'tasks', folder, 'task.json')).id).sort();
      assert.deepEqual([...(buildTab.properties.supportsTasks as string[])].sort(), taskIds);
    });

    it('serves each tab page and its assets', async () => {
      for (const contribution of tabContributions()) {
        const page = String(contribution.properties.uri);
        assert.ok(entries.includes(page), `${contribution.id} uses ${page}, which is not in the package`);
        assert.ok(isAddressable(page), `${contribution.id} uses ${page}, which is not addressable`);

        const html = await readFile(path.join(unpacked, page), 'utf8');
        const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]).filter((asset) => !/^[a-z]+:|^\/\/|^#/i.test(asset));
        for (const asset of assets) {
          const assetPath = path.posix.join(path.posix.dirname(page), asset);
          assert.ok(entries.includes(assetPath), `${page} loads ${asset}, which is not in the package`);
          assert.ok(isAddressable(assetPath), `${page} loads ${asset}, which is not addressable`);
        }
      }
    });
  });

  describe('bundled tasks from the package', () => {
    before(() => {
      // Node resolves a bare require through node_modules in every ancestor folder, and runTask
      // drops NODE_PATH. With no node_modules above the unpacked package, a run that succeeds
      // proves that the bundle needs none.
      for (let folder = unpacked; ; folder = path.dirname(folder)) {
        assert.ok(!existsSync(path.join(folder, 'node_modules')), `${folder} has node_modules, so the packaged runs could load packages from it`);
        if (path.dirname(folder) === folder) break;
      }
    });

    /** Copies examples/ into a fresh folder that plays the agent's working directory. */
    async function prepareWorkFolder(name: string): Promise<string> {
      const workFolder = path.join(scratch, name);
      await cp(path.join(repoRoot, 'examples'), workFolder, { recursive: true });
      await mkdir(path.join(workFolder, 'staging'), { recursive: true });
      await mkdir(path.join(workFolder, 'temp'), { recursive: true });
      return workFolder;
    }

    function agentVariables(workFolder: string, hostType: string): Record<string, string> {
      return {
        'System.HostType': hostType,
        'System.DefaultWorkingDirectory': workFolder,
        'Build.ArtifactStagingDirectory': path.join(workFolder, 'staging'),
        'Agent.TempDirectory': path.join(workFolder, 'temp'),
        'Build.BuildId': '42',
        'Build.BuildNumber': '20261204.1',
        'System.JobName': 'promote',
      };
    }

    function promoteInputs(workFolder: string): Record<string, string> {
      return {
        modelsFile: 'registered_models.json',
        approvalFile: 'approval_status.json',
        approversFile: 'config/plant_approvers.yaml',
        unlistedModels: 'approve',
        registryType: 'local',
        localRegistryPath: path.join(workFolder, 'registry'),
        resultFile: path.join(workFolder, 'staging', 'promotion_result.json'),
        artifactName: 'promotion_result',
        resultOnPending: 'succeeded',
        dryRun: 'false',
        concurrency: '4',
      };
    }

    function requestInputs(workFolder: string): Record<string, string> {
      return {
        modelsFile: 'registered_models.json',
        approvalFile: 'approval_status.json',
        approversFile: 'config/plant_approvers.yaml',
        unlistedModels: 'approve',
        requestFile: path.join(workFolder, 'staging', 'approval_request.json'),
        artifactName: 'approval_request',
      };
    }

    /** Entry points of one task: the bundle from the package and the TypeScript source run through tsx. */
    function entryPoints(folder: string): { packaged: string; unbundled: string } {
      return {
        packaged: path.join(packagedTaskFolder(folder), 'index.js'),
        unbundled: path.join(repoRoot, 'tasks', folder, 'index.ts'),
      };
    }

    const UNBUNDLED_NODE_ARGUMENTS = ['--require', require.resolve('tsx/cjs')];

    function assertCompleted(run: TaskRun, expected: string): void {
      const complete = loggingCommands(run.stdout).filter((command) => command.command === 'task.complete');
      assert.equal(complete.length, 1, `expected one task.complete command, got ${complete.length}:\n${run.stdout}\n${run.stderr}`);
      assert.equal(complete[0].properties.result, expected, `task result ${complete[0].properties.result}: ${complete[0].message}\n${run.stdout}`);
    }

    /** Approves PLANT002's model in the approval file, as its plant engineer would between two runs. */
    async function approvePlant002(workFolder: string): Promise<void> {
      const file = path.join(workFolder, 'approval_status.json');
      const approvals = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
      approvals['PLANT002:plant002-circuit05-model:2'] = 'approved';
      await writeFile(file, JSON.stringify(approvals, null, 2));
    }

    it('promotes the same models as unbundled', async () => {
      const { packaged, unbundled } = entryPoints('PromoteModelsIndividually');
      const runs: Record<string, { categories: Record<string, string[]>[]; documents: unknown[] }> = {};

      for (const [variant, entryPoint, nodeArguments] of [
        ['packaged', packaged, []],
        ['unbundled', unbundled, UNBUNDLED_NODE_ARGUMENTS],
      ] as const) {
        const workFolder = await prepareWorkFolder(`promote-${variant}`);
        const options = { inputs: promoteInputs(workFolder), variables: agentVariables(workFolder, 'build'), nodeArguments: [...nodeArguments] };
        runs[variant] = { categories: [], documents: [] };

        // A first run, then PLANT002 is approved and the pipeline runs again: the second run promotes
        // only PLANT002's model and skips the models the first run promoted.
        for (const step of ['first run', 'after PLANT002 approval']) {
          if (step === 'after PLANT002 approval') await approvePlant002(workFolder);
          const run = await runTask(entryPoint, options);
          assertCompleted(run, 'Succeeded');
          const text = await readFile(options.inputs.resultFile, 'utf8');
          runs[variant].categories.push(resultCategories(JSON.parse(text) as Record<string, unknown>));
          runs[variant].documents.push(normalizeRunDocument(text, workFolder));
        }
      }

      assert.deepEqual(runs.packaged.categories[0], {
        promoted: ['PLANT001:plant001-circuit01-model:5', 'PLANT001:plant001-circuit02-model:3', 'TEST_PLANT:testplant-circuit01-model:v2'],
        pending_approval: ['PLANT002:plant002-circuit05-model:2'],
        rejected: ['PLANT003:plant003-circuit10-model:4'],
        skipped: [],
        failed: [],
      });
      assert.deepEqual(runs.packaged.categories[1], {
        promoted: ['PLANT002:plant002-circuit05-model:2'],
        pending_approval: [],
        rejected: ['PLANT003:plant003-circuit10-model:4'],
        skipped: ['PLANT001:plant001-circuit01-model:5', 'PLANT001:plant001-circuit02-model:3', 'TEST_PLANT:testplant-circuit01-model:v2'],
        failed: [],
      });
      assert.deepEqual(runs.packaged.categories, runs.unbundled.categories);
      assert.deepEqual(runs.packaged.documents, runs.unbundled.documents);
    });

    it('requests the same approvals as unbundled', async () => {
      const { packaged, unbundled } = entryPoints('RequestApprovals');
      const documents: Record<string, unknown> = {};

      for (const [variant, entryPoint, nodeArguments] of [
        ['packaged', packaged, []],
        ['unbundled', unbundled, UNBUNDLED_NODE_ARGUMENTS],
      ] as const) {
        const workFolder = await prepareWorkFolder(`request-${variant}`);
        const options = { inputs: requestInputs(workFolder), variables: agentVariables(workFolder, 'build'), nodeArguments: [...nodeArguments] };
        const run = await runTask(entryPoint, options);
        assertCompleted(run, 'Succeeded');
        const text = await readFile(options.inputs.requestFile, 'utf8');
        assert.match(text, /plant002-circuit05-model/, 'approval_request.json does not list the pending PLANT002 model');
        documents[variant] = normalizeRunDocument(text, workFolder);
      }

      assert.deepEqual(documents.packaged, documents.unbundled);
    });

    it('uploads the artifact in a build', async () => {
      const workFolder = await prepareWorkFolder('host-build');
      const run = await runTask(entryPoints('PromoteModelsIndividually').packaged, {
        inputs: promoteInputs(workFolder),
        variables: agentVariables(workFolder, 'build'),
      });
      assertCompleted(run, 'Succeeded');

      const uploads = loggingCommands(run.stdout).filter((command) => command.command === 'artifact.upload');
      assert.equal(uploads.length, 1, `expected one artifact.upload:\n${run.stdout}`);
      assert.equal(uploads[0].properties.artifactname, 'promotion_result');
    });

    const RELEASE_CASES = [
      { folder: 'PromoteModelsIndividually', file: 'promotion_result.json', fileInput: 'resultFile', inputs: promoteInputs, summary: true },
      { folder: 'RequestApprovals', file: 'approval_request.json', fileInput: 'requestFile', inputs: requestInputs, summary: false },
    ] as const;

    for (const { folder, file, fileInput, inputs: inputsFor, summary } of RELEASE_CASES) {
      it(`attaches ${file} in a release`, async () => {
        const workFolder = await prepareWorkFolder(`release-${folder}`);
        const inputs: Record<string, string> = { ...inputsFor(workFolder), [fileInput]: path.join(workFolder, 'temp', file) };
        const variables = agentVariables(workFolder, 'release');
        delete variables['Build.ArtifactStagingDirectory'];
        variables['Release.ReleaseId'] = '7';

        const run = await runTask(entryPoints(folder).packaged, { inputs, variables });
        assertCompleted(run, 'Succeeded');

        const commands = loggingCommands(run.stdout);
        assert.doesNotMatch(run.stdout, /##vso\[artifact\.upload/, 'a classic release cannot upload artifacts, but the task tried');
        const attachments = commands.filter((command) => command.command === 'task.addattachment');
        assert.ok(
          attachments.some((command) => path.resolve(command.message) === path.resolve(inputs[fileInput])),
          `no attachment of ${inputs[fileInput]}: ${attachments.map((command) => command.message).join(', ') || 'none'}\n${run.stdout}`,
        );
        if (summary) {
          assert.ok(commands.some((command) => command.command === 'task.uploadsummary'), `no task.uploadsummary in a release:\n${run.stdout}`);
        }
      });
    }
  });
});
