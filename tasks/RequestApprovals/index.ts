import { runTask, startTask, type TaskDeps } from '../../src/pipeline/run-task';
import { runRequest } from '../../src/promotion/run-request';

/** Runs RequestApprovals@1 with the given inputs and host; tests call it directly. */
export function run(deps: TaskDeps): Promise<void> {
  return runTask('RequestApprovals', deps, runRequest);
}

if (require.main === module) {
  void startTask(__dirname, run);
}
