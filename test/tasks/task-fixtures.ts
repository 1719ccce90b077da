import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import { buildTasksIfStale, type TaskRun, type VsoCommand } from './run-built-task';

const repositoryRoot = path.resolve(__dirname, '..', '..');

/** Logging commands the tasks may print; anything else in the output is an injection. */
const OUR_COMMANDS = new Set(['task.debug', 'task.issue', 'task.setprogress', 'task.setvariable', 'task.setsecret', 'task.complete', 'artifact.upload', 'task.addattachment', 'task.uploadsummary']);
const OUR_OUTPUT_VARIABLES = new Set(['promotedCount', 'pendingCount', 'rejectedCount', 'skippedCount', 'failedCount', 'resultFile', 'requestCount', 'approvedCount', 'requestFile']);

/** A throw-away copy of examples/ with the folders a pipeline job has. */
export interface Workspace {
  root: string;
  staging: string;
  registry: string;
  resultFile: string;
}

export async function createWorkspace(): Promise<Workspace> {
  const root = await mkdtemp(path.join(tmpdir(), 'promote-task-'));
  await cp(path.join(repositoryRoot, 'examples'), path.join(root, 'sources'), { recursive: true });
  await mkdir(path.join(root, 'agent-temp'));
  return {
    root: path.join(root, 'sources'),
    staging: path.join(root, 'staging'),
    registry: path.join(root, 'registry'),
    resultFile: path.join(root, 'staging', 'promotion_result.json'),
  };
}

/**
 * Registers mocha hooks that build the tasks once and give each test a fresh workspace,
 * passed to `setWorkspace` before the test and removed after it.
 */
export function useFreshWorkspace(setWorkspace: (workspace: Workspace) => void): void {
  let current: Workspace | undefined;

  before(() => {
    buildTasksIfStale();
  });

  beforeEach(async () => {
    current = await createWorkspace();
    setWorkspace(current);
  });

  afterEach(async () => {
    if (current !== undefined) {
      await rm(path.dirname(current.root), { recursive: true, force: true });
    }
  });
}

export async function writeJson(filePath: string, value: unknown): Promise<void> {
  await writeFile(filePath, `${JSON.stringify(value, null, 2)}\n`);
}

/** Returns the agent variables a build job sets, pointing into the workspace. */
export function buildVariables(workspace: Workspace, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    'System.DefaultWorkingDirectory': workspace.root,
    'Build.SourcesDirectory': workspace.root,
    'Build.ArtifactStagingDirectory': workspace.staging,
    'System.HostType': 'build',
    'System.CollectionUri': 'https://dev.azure.com/contoso/',
    'System.TeamProject': 'Manufacturing ML',
    'Build.BuildId': '4711',
    'Build.BuildNumber': '20261204.3',
    // task-lib keeps its vault key in Agent.TempDirectory (else the working directory), so
    // tasks running at the same time must not share that folder.
    'Agent.TempDirectory': path.join(path.dirname(workspace.root), 'agent-temp'),
    ...overrides,
  };
}

export function taskResult(run: TaskRun): string | undefined {
  const completions = run.commands.filter((command) => command.command === 'task.complete');
  assert.equal(completions.length, 1, `expected one task.complete, got ${completions.length}\n${run.stdout}\n${run.stderr}`);
  return completions[0]?.properties.result;
}

/** Checks the task result, showing the task's message when it differs. */
export function assertTaskResult(run: TaskRun, expected: string): void {
  const completion = run.commands.find((command) => command.command === 'task.complete');
  assert.equal(taskResult(run), expected, `task.complete message: ${completion?.message}\n${run.stderr}`);
}

export function outputVariables(run: TaskRun): Record<string, string> {
  return Object.fromEntries(
    run.commands
      .filter((command) => command.command === 'task.setvariable' && command.properties.isoutput === 'true')
      .map((command) => [command.properties.variable ?? '', command.message]),
  );
}

export function commandsNamed(run: TaskRun, name: string): VsoCommand[] {
  return run.commands.filter((command) => command.command === name);
}

/** Checks that every command printed is one the task itself sends. */
export function assertOnlyOurCommands(run: TaskRun): void {
  for (const command of run.commands) {
    assert.ok(OUR_COMMANDS.has(command.command), `unexpected command ${command.command}`);
    if (command.command === 'task.setvariable') {
      assert.ok(OUR_OUTPUT_VARIABLES.has(command.properties.variable ?? ''), `unexpected variable ${command.properties.variable}`);
    }
  }
}

/** Lists `<model_name>/<version>` of every version in a local registry folder. */
export async function registryVersions(registry: string): Promise<string[]> {
  const versions: string[] = [];
  const models = await readdir(registry, { withFileTypes: true }).catch(() => []);
  for (const model of models.filter((entry) => entry.isDirectory() && !entry.name.startsWith('.'))) {
    for (const version of await readdir(path.join(registry, model.name))) {
      versions.push(`${model.name}/${version}`);
    }
  }
  return versions.sort();
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats(ajv);

/** Parses a JSON file and checks it against a schema of schemas/. */
export async function readValidJson<T>(filePath: string, schemaFile: string): Promise<T> {
  const data = JSON.parse(await readFile(filePath, 'utf8')) as T;
  const schema = JSON.parse(await readFile(path.join(repositoryRoot, 'schemas', schemaFile), 'utf8')) as { $id: string };
  const validate = ajv.getSchema(schema.$id) ?? ajv.compile(schema);
  assert.ok(validate(data), `${filePath} does not match ${schemaFile}: ${ajv.errorsText(validate.errors)}`);
  return data;
}

export function keys(entries: { key: string }[]): string[] {
  return entries.map((entry) => entry.key).sort();
}
