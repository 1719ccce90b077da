// Measures what the package costs the agent: the .vsix size, and the cold start of the bundled
// PromoteModels task next to a bare `node -e 0` and next to the same task with its npm
// dependencies left in node_modules. Usage: npm run bench [-- --runs N]
//
// Each variant is a fresh node process. The variants run in turns, one run each per round, so
// that drift in machine load affects all of them alike, and the report gives medians.
import { spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';
import JSZip from 'jszip';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const taskFolder = 'PromoteModelsIndividually';

function parseRuns(argv) {
  const index = argv.indexOf('--runs');
  if (index === -1) return 15;
  const runs = Number(argv[index + 1]);
  if (!Number.isInteger(runs) || runs < 1 || runs > 1000) {
    throw new Error(`Invalid --runs value "${argv[index + 1]}": expected a whole number from 1 to 1000.`);
  }
  return runs;
}

function spawnAndWait(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let output = '';
    child.stdout.on('data', (data) => {
      output += data;
    });
    child.stderr.on('data', (data) => {
      output += data;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Builds the task with its npm packages external, as a tsc build would load them, into dist/bench/. */
async function buildUnbundledTask() {
  const output = path.join(root, 'dist', 'bench', taskFolder);
  await rm(output, { recursive: true, force: true });
  await mkdir(output, { recursive: true });
  await build({
    entryPoints: [path.join(root, 'tasks', taskFolder, 'index.ts')],
    outfile: path.join(output, 'index.js'),
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'warning',
  });
  await cp(path.join(root, 'tasks', taskFolder, 'task.json'), path.join(output, 'task.json'));
  return path.join(output, 'index.js');
}

async function findVsix() {
  const dist = path.join(root, 'dist');
  const names = (await readdir(dist)).filter((name) => name.endsWith('.vsix'));
  if (names.length !== 1) throw new Error(`Expected one .vsix in dist/ after packaging, found ${names.length}: ${names.join(', ')}`);
  return path.join(dist, names[0]);
}

/**
 * Unpacks the .vsix into `folder` and returns the path of the PromoteModels entry point in it.
 * The bench runs the task that ships, and a concurrent `npm run build` cannot replace it mid-run.
 */
async function unpackTask(vsix, folder) {
  const zip = await JSZip.loadAsync(await readFile(vsix));
  for (const entry of Object.values(zip.files)) {
    const target = path.resolve(folder, entry.name);
    if (!target.startsWith(folder + path.sep)) throw new Error(`Package entry "${entry.name}" points outside the package.`);
    if (entry.dir) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, await entry.async('nodebuffer'));
  }

  const manifest = JSON.parse(await readFile(path.join(folder, 'extension.vsomanifest'), 'utf8'));
  const contribution = manifest.contributions.find(
    (candidate) => candidate.type === 'ms.vss-distributed-task.task' && path.basename(candidate.properties.name) === taskFolder,
  );
  if (!contribution) throw new Error(`The package has no task contribution for ${taskFolder}.`);
  return path.join(folder, contribution.properties.name, 'index.js');
}

/** Returns the environment of a dry run on examples/, with the inputs passed as the agent passes them. */
function dryRunEnvironment(workFolder) {
  const environment = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(INPUT|ENDPOINT|SECRET)_/i.test(name)));
  return {
    ...environment,
    SYSTEM_HOSTTYPE: 'build',
    SYSTEM_DEFAULTWORKINGDIRECTORY: workFolder,
    BUILD_ARTIFACTSTAGINGDIRECTORY: workFolder,
    AGENT_TEMPDIRECTORY: workFolder,
    INPUT_MODELSFILE: 'registered_models.json',
    INPUT_APPROVALFILE: 'approval_status.json',
    INPUT_APPROVERSFILE: 'config/plant_approvers.yaml',
    INPUT_UNLISTEDMODELS: 'approve',
    INPUT_REGISTRYTYPE: 'local',
    INPUT_LOCALREGISTRYPATH: path.join(workFolder, 'registry'),
    INPUT_RESULTFILE: path.join(workFolder, 'promotion_result.json'),
    INPUT_ARTIFACTNAME: 'promotion_result',
    INPUT_RESULTONPENDING: 'succeeded',
    INPUT_DRYRUN: 'true',
    INPUT_CONCURRENCY: '4',
  };
}

async function timeRun(variant) {
  const started = process.hrtime.bigint();
  const { code, output } = await spawnAndWait(process.execPath, variant.args, { env: variant.env ?? process.env });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (code !== 0) throw new Error(`${variant.label} exited with code ${code}:\n${output}`);
  if (variant.check && !variant.check(output)) throw new Error(`${variant.label} did not finish as expected:\n${output}`);
  return elapsedMs;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function formatSize(bytes) {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

async function main() {
  const runs = parseRuns(process.argv.slice(2));

  const packaging = await spawnAndWait(process.execPath, [path.join(root, 'scripts', 'package.mjs')]);
  if (packaging.code !== 0) throw new Error(`npm run package failed:\n${packaging.output}`);
  const vsix = await findVsix();
  const vsixSize = (await stat(vsix)).size;
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'promote-bench-'));
  const bundled = await unpackTask(vsix, path.join(scratch, 'package'));
  const bundleSize = (await stat(bundled)).size;
  const unbundled = await buildUnbundledTask();

  const workFolder = path.join(scratch, 'work');
  await cp(path.join(root, 'examples'), workFolder, { recursive: true });
  const succeeded = (output) => output.includes('##vso[task.complete result=Succeeded');
  const loadOnly = (file) => ['-e', 'require(process.argv[1])', file];

  const variants = [
    { label: 'node -e 0', args: ['-e', '0'] },
    { label: 'bundled task, load only', args: loadOnly(bundled) },
    { label: 'unbundled task, load only', args: loadOnly(unbundled) },
    { label: 'bundled task, dry run on examples/', args: [bundled], env: dryRunEnvironment(workFolder), check: succeeded },
    { label: 'unbundled task, dry run on examples/', args: [unbundled], env: dryRunEnvironment(workFolder), check: succeeded },
  ];
  const timings = new Map(variants.map((variant) => [variant.label, []]));

  try {
    // A warm-up round fills the OS file cache, so the first measured run does not pay for disk
    // reads that later runs skip.
    for (const variant of variants) await timeRun(variant);
    for (let round = 0; round < runs; round++) {
      // Rotate which variant starts each round, so that no variant always takes the first slot.
      for (let i = 0; i < variants.length; i++) {
        const variant = variants[(round + i) % variants.length];
        timings.get(variant.label).push(await timeRun(variant));
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }

  const baseline = median(timings.get('node -e 0'));
  const cpus = os.cpus();

  console.log(`Package   ${path.relative(root, vsix)}: ${formatSize(vsixSize)} (${vsixSize} bytes)`);
  console.log(`Bundle    ${taskFolder}/index.js in the package: ${formatSize(bundleSize)}`);
  console.log('');
  console.log(`Cold start, median of ${runs} runs per variant, taken in turns`);
  console.log(`Node ${process.version} on ${os.platform()} ${os.arch()}, ${cpus.length} x ${cpus[0]?.model ?? 'unknown CPU'}`);
  console.log('');
  const width = Math.max(...variants.map((variant) => variant.label.length));
  console.log(`${'variant'.padEnd(width)}  ${'median'.padStart(9)}  ${'vs node -e 0'.padStart(12)}`);
  for (const variant of variants) {
    const value = median(timings.get(variant.label));
    console.log(`${variant.label.padEnd(width)}  ${`${value.toFixed(1)} ms`.padStart(9)}  ${`${(value / baseline).toFixed(2)}x`.padStart(12)}`);
  }
}

try {
  await main();
} catch (error) {
  console.error(`Benchmark failed: ${error.message}`);
  process.exitCode = 1;
}
