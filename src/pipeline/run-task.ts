import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';

import { PromotionError, errorMessage } from '../errors';
import { readPipelineRun, type PipelineRunInfo } from './read-pipeline-run';
import { readTaskConfig } from './read-config';
import type { PipelineHost } from './pipeline-host';
import type { TaskInputs } from './task-inputs';
import { TaskLibHost } from './task-lib-host';
import { TaskLibInputs } from './task-lib-inputs';
import type { TaskConfig } from '../promotion/task-config';

export type TaskName = 'PromoteModels' | 'RequestApprovals';

/** Dependencies of a task entry point: the agent's inputs, the host that prints commands, and the clock. */
export interface TaskDeps {
  inputs: TaskInputs;
  host: PipelineHost;
  now(): Date;
}

/** The core call of one task, given its validated configuration. */
export type TaskBody = (config: TaskConfig, context: { host: PipelineHost; now(): Date; pipelineRun: PipelineRunInfo }) => Promise<unknown>;

/** Reads the task's configuration and runs its body. Every failure ends as a Failed task result with the full message. */
export async function runTask(task: TaskName, deps: TaskDeps, body: TaskBody): Promise<void> {
  try {
    const config = readTaskConfig(deps.inputs, task);
    await body(config, { host: deps.host, now: deps.now, pipelineRun: readPipelineRun(deps.inputs) });
  } catch (error) {
    // Only unexpected errors need their stack; a PromotionError's message names the cause and fix.
    if (!(error instanceof PromotionError) && error instanceof Error && error.stack !== undefined) {
      deps.host.debug(error.stack);
    }
    deps.host.setResult('Failed', errorMessage(error));
  }
}

/** Runs a task as the agent starts it: messages from the task.json in `taskFolder`, inputs and commands through task-lib. */
export function startTask(taskFolder: string, run: (deps: TaskDeps) => Promise<void>): Promise<void> {
  tl.setResourcePath(path.join(taskFolder, 'task.json'));
  const inputs = new TaskLibInputs();
  return run({ inputs, host: new TaskLibHost(inputs.variable('System.HostType') ?? 'build'), now: () => new Date() });
}
