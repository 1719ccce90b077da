// Runs the compiled PromoteModels task twice on examples/, the way the Azure Pipelines agent
// runs it: inputs and agent variables as environment variables, with the real task-lib.
// In run 1 PLANT002's model is pending and PLANT003's rejected. Run 2 approves PLANT002 and
// shows that models already in the registry are skipped. Everything happens under .demo/, offline.
import { spawn } from 'node:child_process';
import { cp, mkdir, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const taskScript = path.join(root, 'dist', 'tasks', 'PromoteModelsIndividually', 'index.js');
const demo = path.join(root, '.demo');
const workspace = path.join(demo, 'workspace');
const registry = path.join(demo, 'model_registry');

async function newestModification(folder) {
  let newest = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const entryPath = path.join(folder, entry.name);
    const time = entry.isDirectory() ? await newestModification(entryPath) : (await stat(entryPath)).mtimeMs;
    newest = Math.max(newest, time);
  }
  return newest;
}

async function buildIfStale() {
  const built = await stat(taskScript).then((info) => info.mtimeMs, () => 0);
  const sources = Math.max(await newestModification(path.join(root, 'src')), await newestModification(path.join(root, 'tasks')));
  if (built >= sources) {
    return;
  }
  console.log('Building the tasks (dist/ is missing or older than the sources)…');
  await runProcess(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { ...process.env }, (line) => console.log(line));
}

function runProcess(command, args, env, onLine, cwd = root) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      const lines = pending.split(/\r?\n/);
      pending = lines.pop();
      lines.forEach(onLine);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending) onLine(pending);
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with code ${code}`));
    });
  });
}

/** Shows the agent's view of the output: groups indented, logging commands as short notes. */
function showLine(line) {
  if (line.startsWith('##[group]')) {
    console.log(`  ▸ ${line.slice('##[group]'.length)}`);
  } else if (line.startsWith('##[endgroup]')) {
    console.log('');
  } else if (line.startsWith('##vso[')) {
    const match = /^##vso\[(\S+)([^\]]*)\](.*)$/.exec(line);
    const [, command, properties, message] = match ?? [undefined, 'unknown', '', line];
    if (command === 'task.debug' || command === 'task.setprogress') return;
    console.log(`  [${command}${properties}] ${message}`.trimEnd());
  } else {
    console.log(`    ${line}`);
  }
}

async function runTask(runNumber, title, approvalFile) {
  console.log(`\n=== Run ${runNumber}: ${title} ===`);
  const staging = path.join(demo, `run${runNumber}`);
  await mkdir(staging, { recursive: true });
  const env = {
    PATH: process.env.PATH,
    INPUT_MODELSFILE: 'registered_models.json',
    INPUT_APPROVALFILE: approvalFile,
    INPUT_APPROVERSFILE: 'config/plant_approvers.yaml',
    INPUT_UNLISTEDMODELS: 'approve',
    INPUT_REGISTRYTYPE: 'local',
    INPUT_LOCALREGISTRYPATH: registry,
    INPUT_RESULTFILE: path.join(staging, 'promotion_result.json'),
    INPUT_ARTIFACTNAME: 'promotion_result',
    INPUT_CONCURRENCY: '4',
    INPUT_DRYRUN: 'false',
    INPUT_RESULTONPENDING: 'succeeded',
    SYSTEM_DEFAULTWORKINGDIRECTORY: workspace,
    BUILD_SOURCESDIRECTORY: workspace,
    BUILD_ARTIFACTSTAGINGDIRECTORY: staging,
    SYSTEM_HOSTTYPE: 'build',
    SYSTEM_COLLECTIONURI: 'https://dev.azure.com/contoso/',
    SYSTEM_TEAMPROJECT: 'Manufacturing ML',
    BUILD_BUILDID: String(100 + runNumber),
    BUILD_BUILDNUMBER: `20261204.${runNumber}`,
    AGENT_TEMPDIRECTORY: path.join(demo, 'tmp'),
  };
  await runProcess(process.execPath, [taskScript], env, showLine, workspace);

  const resultFile = env.INPUT_RESULTFILE;
  const result = JSON.parse(await readFile(resultFile, 'utf8'));
  const names = (entries) => entries.map((entry) => entry.key).join(', ') || '-';
  console.log(`\n  promoted:         ${names(result.promoted)}`);
  const waiting = (entries) =>
    entries.map((entry) => (entry.waiting_for?.length > 0 ? `${entry.key} (waiting for ${entry.waiting_for.join(', ')})` : entry.key)).join(', ') || '-';
  console.log(`  already promoted: ${names(result.skipped)}`);
  console.log(`  pending approval: ${waiting(result.pending_approval)}`);
  console.log(`  rejected:         ${names(result.rejected)}`);
  console.log(`  failed:           ${names(result.failed)}`);
  return resultFile;
}

await buildIfStale();
await rm(demo, { recursive: true, force: true });
await mkdir(path.join(demo, 'tmp'), { recursive: true });
await cp(path.join(root, 'examples'), workspace, { recursive: true });

const first = await runTask(1, 'PLANT002 pending, PLANT003 rejected', 'approval_status.json');

const approvals = JSON.parse(await readFile(path.join(workspace, 'approval_status.json'), 'utf8'));
approvals['PLANT002:plant002-circuit05-model:2'] = 'approved';
await writeFile(path.join(workspace, 'approval_status.run2.json'), `${JSON.stringify(approvals, null, 2)}\n`);
const second = await runTask(2, 'PLANT002 approved', 'approval_status.run2.json');

console.log('\nResult files:');
console.log(`  run 1: ${path.relative(root, first)} (summary: ${path.relative(root, path.join(path.dirname(first), 'promotion_summary.md'))})`);
console.log(`  run 2: ${path.relative(root, second)} (summary: ${path.relative(root, path.join(path.dirname(second), 'promotion_summary.md'))})`);
console.log(`Local registry: ${path.relative(root, registry)}/<model_name>/<version>/`);
