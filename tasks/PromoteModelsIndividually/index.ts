import { runTask, startTask, type TaskDeps } from '../../src/pipeline/run-task';
import { runPromotion } from '../../src/promotion/run-promotion';

/** Runs PromoteModels@1 with the given inputs and host; tests call it directly. */
export function run(deps: TaskDeps): Promise<void> {
  return runTask('PromoteModels', deps, runPromotion);
}

if (require.main === module) {
  void startTask(__dirname, run);
}
