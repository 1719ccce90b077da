import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const repositoryRoot = path.resolve(__dirname, '..', '..');

export type TaskFolder = 'PromoteModelsIndividually' | 'RequestApprovals';

/** One `##vso[area.action k=v;...]message` line, unescaped as the agent does. */
export interface VsoCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

export interface LogGroup {
  title: string;
  lines: string[];
}

export interface TaskRun {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  lines: string[];
  commands: VsoCommand[];
  groups: LogGroup[];
}

function newestModification(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const entryPath = path.join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(entryPath) : statSync(entryPath).mtimeMs);
  }
  return newest;
}

function builtTime(folder: TaskFolder): number {
  try {
    return statSync(path.join(repositoryRoot, 'dist', 'tasks', folder, 'index.js')).mtimeMs;
  } catch {
    return 0;
  }
}

/** Folder holding this test process's copy of dist/tasks, set by `buildTasksIfStale`. */
let tasksCopy: string | undefined;

/**
 * Builds dist/tasks with scripts/build.mjs unless both bundles are newer than src/ and tasks/,
 * then copies them to a private folder. scripts/build.mjs deletes and rewrites dist/tasks, so
 * the copy keeps a build started by another `npm test` from removing a task under a running test.
 */
export function buildTasksIfStale(): void {
  const sources = Math.max(newestModification(path.join(repositoryRoot, 'src')), newestModification(path.join(repositoryRoot, 'tasks')));
  if (builtTime('PromoteModelsIndividually') < sources || builtTime('RequestApprovals') < sources) {
    const build = spawnSync(process.execPath, [path.join(repositoryRoot, 'scripts', 'build.mjs')], { cwd: repositoryRoot, encoding: 'utf8' });
    if (build.status !== 0) {
      throw new Error(`scripts/build.mjs failed:\n${build.stdout}\n${build.stderr}`);
    }
  }

  if (tasksCopy === undefined) {
    const folder = mkdtempSync(path.join(tmpdir(), 'built-tasks-'));
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
    tasksCopy = folder;
  }
  for (const folder of ['PromoteModelsIndividually', 'RequestApprovals'] satisfies TaskFolder[]) {
    cpSync(path.join(repositoryRoot, 'dist', 'tasks', folder), path.join(tasksCopy, folder), { recursive: true, force: true });
    if (!existsSync(path.join(tasksCopy, folder, 'index.js'))) {
      throw new Error(`dist/tasks/${folder}/index.js is missing after the build; run npm run build and retry.`);
    }
  }
}

/**
 * Runs a compiled task as the agent does: `node <copy of dist/tasks>/<folder>/index.js` with each input as
 * `INPUT_<NAME>` and each variable as its environment name (dots become underscores). The
 * child gets no other environment than PATH, so the test machine's variables cannot leak in.
 */
export async function runBuiltTask(folder: TaskFolder, inputs: Record<string, string>, variables: Record<string, string>): Promise<TaskRun> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
  for (const [name, value] of Object.entries(inputs)) {
    env[`INPUT_${name.replace(/\./g, '_').toUpperCase()}`] = value;
  }
  for (const [name, value] of Object.entries(variables)) {
    env[name.replace(/\./g, '_').toUpperCase()] = value;
  }

  if (tasksCopy === undefined) {
    throw new Error('Call buildTasksIfStale() in a before hook first.');
  }
  // The agent starts tasks in System.DefaultWorkingDirectory.
  const cwd = env.SYSTEM_DEFAULTWORKINGDIRECTORY ?? repositoryRoot;
  const child = spawn(process.execPath, [path.join(tasksCopy, folder, 'index.js')], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });

  const lines = stdout.split(/\r?\n/);
  return { stdout, stderr, exitCode, lines, commands: parseCommands(lines), groups: parseGroups(lines) };
}

const COMMAND_LINE = /^##vso\[([A-Za-z]+\.[A-Za-z]+)(?: ([^\]]*))?\](.*)$/;

/**
 * Parses every line the agent would treat as a command. The agent finds `##vso[` anywhere in a
 * line, so a marker that does not start a well-formed command line fails the test here.
 */
export function parseCommands(lines: string[]): VsoCommand[] {
  const commands: VsoCommand[] = [];
  for (const line of lines) {
    const markers = line.match(/##vso\[/gi) ?? [];
    if (markers.length === 0) {
      continue;
    }
    const match = COMMAND_LINE.exec(line);
    if (match === null || (markers.length > 1 && !isInputEcho(match))) {
      throw new Error(`Output line would reach the agent as a malformed or injected command: ${line}`);
    }
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').split(';').filter(Boolean)) {
      const separator = pair.indexOf('=');
      properties[pair.slice(0, separator).toLowerCase()] = unescapeProperty(pair.slice(separator + 1));
    }
    commands.push({ command: match[1] ?? '', properties, message: unescapeData(match[3] ?? '') });
  }
  return commands;
}

/**
 * task-lib's getInput echoes every input as `##vso[task.debug]<name>=<value>`. The agent runs
 * only the first command of a line, so a marker inside the echoed value stays debug text.
 */
function isInputEcho(match: RegExpExecArray): boolean {
  return match[1] === 'task.debug' && /^[A-Za-z][A-Za-z0-9]*=/.test(match[3] ?? '');
}

function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%AZP25/g, '%');
}

function unescapeProperty(text: string): string {
  return unescapeData(text.replace(/%3B/g, ';').replace(/%5D/g, ']'));
}

/** Splits the output into `##[group]` blocks, failing on nested or unclosed groups. */
export function parseGroups(lines: string[]): LogGroup[] {
  const groups: LogGroup[] = [];
  let open: LogGroup | undefined;
  for (const line of lines) {
    if (line.startsWith('##[group]')) {
      if (open !== undefined) {
        throw new Error(`Group "${line}" starts inside group "${open.title}"`);
      }
      open = { title: line.slice('##[group]'.length), lines: [] };
    } else if (line.startsWith('##[endgroup]')) {
      if (open === undefined) {
        throw new Error('##[endgroup] without an open group');
      }
      groups.push(open);
      open = undefined;
    } else if (open !== undefined) {
      open.lines.push(line);
    }
  }
  if (open !== undefined) {
    throw new Error(`Group "${open.title}" is never closed`);
  }
  return groups;
}
