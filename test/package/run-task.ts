// Runs a task entry point the way the agent does: a separate node process with the inputs as
// INPUT_<NAME> and the variables as <NAME_WITH_UNDERSCORES> environment variables.
import { spawn } from 'node:child_process';

export interface TaskRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

export interface TaskRunOptions {
  /** Inputs by task.json name, passed as INPUT_<NAME>. */
  inputs: Record<string, string>;
  /** Pipeline variables by name (`System.HostType`), passed as SYSTEM_HOSTTYPE. */
  variables: Record<string, string>;
  /** Extra arguments before the entry point, such as `--require tsx/cjs`. */
  nodeArguments?: string[];
  timeoutMs?: number;
}

/** Converts a variable or input name to the environment variable name the agent uses. */
export function agentEnvironmentName(name: string): string {
  return name.replace(/\./g, '_').replace(/ /g, '_').toUpperCase();
}

/**
 * Starts `node <entryPoint>` with a clean agent environment and returns its output. The parent's
 * INPUT_*, ENDPOINT_*, SECRET_* and task variables are dropped, so nothing leaks into the run,
 * and so is NODE_PATH, so a bundle cannot load packages through it.
 */
export function runTask(entryPoint: string, options: TaskRunOptions): Promise<TaskRun> {
  const environment: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(INPUT|ENDPOINT|SECRET|VSTS_TASKVARIABLE)_/i.test(name) && name !== 'NODE_PATH') environment[name] = value;
  }
  for (const [name, value] of Object.entries(options.variables)) environment[agentEnvironmentName(name)] = value;
  for (const [name, value] of Object.entries(options.inputs)) environment[`INPUT_${agentEnvironmentName(name)}`] = value;

  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArguments ?? []), entryPoint], {
      env: environment,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => {
      stdout += data.toString('utf8');
    });
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

export interface LoggingCommand {
  command: string;
  properties: Record<string, string>;
  message: string;
}

/** Returns the `##vso[area.action k=v;…]message` commands of the output, in order. */
export function loggingCommands(stdout: string): LoggingCommand[] {
  const commands: LoggingCommand[] = [];
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^##vso\[([A-Za-z0-9.]+)( [^\]]*)?\](.*)$/.exec(line);
    if (!match) continue;
    const properties: Record<string, string> = {};
    for (const pair of (match[2] ?? '').trim().split(';').filter(Boolean)) {
      const separator = pair.indexOf('=');
      properties[pair.slice(0, separator).trim().toLowerCase()] = pair.slice(separator + 1);
    }
    commands.push({ command: match[1].toLowerCase(), properties, message: match[3] });
  }
  return commands;
}
