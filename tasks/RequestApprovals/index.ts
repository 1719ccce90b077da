import * as path from 'node:path';
import * as tl from 'azure-pipelines-task-lib/task';

import { PromotionError, errorMessage } from '../../src/errors';
import type { PipelineHost } from '../../src/pipeline/pipeline-host';
import { readTaskConfig } from '../../src/pipeline/read-config';
import { readPipelineRun } from '../../src/pipeline/read-pipeline-run';
import type { TaskInputs } from '../../src/pipeline/task-inputs';
import { TaskLibHost } from '../../src/pipeline/task-lib-host';
import { TaskLibInputs } from '../../src/pipeline/task-lib-inputs';
import { runRequest } from '../../src/promotion/run-request';

export interface TaskDeps {
  inputs: TaskInputs;
  host: PipelineHost;
  now(): Date;
}

/** Runs RequestApprovals@1; every failure ends as a Failed task result with the full message. */
export async function run(deps: TaskDeps): Promise<void> {
  try {
    const config = readTaskConfig(deps.inputs, 'RequestApprovals');
    await runRequest(config, { host: deps.host, now: deps.now, pipelineRun: readPipelineRun(deps.inputs) });
  } catch (error) {
    // Only unexpected errors need their stack; a PromotionError's message names the cause and fix.
    if (!(error instanceof PromotionError) && error instanceof Error && error.stack !== undefined) {
      deps.host.debug(error.stack);
    }
    deps.host.setResult('Failed', errorMessage(error));
  }
}

function main(): Promise<void> {
  tl.setResourcePath(path.join(__dirname, 'task.json'));
  const inputs = new TaskLibInputs();
  return run({ inputs, host: new TaskLibHost(inputs.variable('System.HostType') ?? 'build'), now: () => new Date() });
}

if (require.main === module) {
  void main();
}
