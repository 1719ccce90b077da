import type { UnmatchedApproval } from '../decision/decision';
import type { PipelineHost } from '../pipeline/pipeline-host';
import { describeNearMiss } from '../report/build-promotion-result';

/**
 * Maximum number of unmatched approval entries warned about one by one. An approval file kept in
 * git collects entries for every past version, so without a limit each run would print one
 * warning per old entry.
 */
export const MAX_UNMATCHED_WARNINGS = 20;

/**
 * Warns about approval entries that match no model of this run: near misses first, because
 * they are the likely typos, then the others, at most `MAX_UNMATCHED_WARNINGS` in all. One more
 * warning counts the rest and names the file that lists every entry.
 */
export function warnUnmatched(host: PipelineHost, unmatched: readonly UnmatchedApproval[], resultFileName: string): void {
  const ordered = [...unmatched.filter((entry) => entry.nearMiss !== undefined), ...unmatched.filter((entry) => entry.nearMiss === undefined)];
  for (const entry of ordered.slice(0, MAX_UNMATCHED_WARNINGS)) {
    const nearMiss = entry.nearMiss === undefined ? '' : ` ${describeNearMiss(entry.nearMiss)}`;
    host.warning(`Approval entry ${entry.key} (${entry.status}) matches no model of this run.${nearMiss}`);
  }

  const rest = ordered.length - MAX_UNMATCHED_WARNINGS;
  if (rest > 0) {
    host.warning(`${rest} more approval entries match no model of this run; ${resultFileName} lists all ${ordered.length} under unmatched_approvals.`);
  }
}
