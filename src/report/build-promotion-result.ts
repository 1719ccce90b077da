import type { UnmatchedApproval } from '../decision/decision';
import type { ModelOutcome } from '../promotion/model-outcome';
import type { RegistryType } from '../registry/model-registry';
import {
  PROMOTION_RESULT_SCHEMA_VERSION,
  type PromotionResult,
  type ResultEntry,
  type ResultStatus,
  type UnmatchedApprovalEntry,
} from './promotion-result';

/** Everything about the run that the result file records besides the models. */
export interface PromotionRunInfo {
  generatedAt: Date;
  pipelineRun: PromotionResult['pipeline_run'];
  approvalFile: { path: string; sha256: string | null };
  registry: { type: RegistryType; target: string };
  dryRun: boolean;
  plantsFilter: string[];
}

type CategoryName = 'promoted' | 'pending_approval' | 'rejected' | 'skipped' | 'failed' | 'would_promote';

/** The result file's array each status goes to; `already_promoted` models are listed under `skipped`. */
export const CATEGORY_OF_STATUS: Record<ResultStatus, CategoryName> = {
  promoted: 'promoted',
  pending_approval: 'pending_approval',
  rejected: 'rejected',
  already_promoted: 'skipped',
  failed: 'failed',
  would_promote: 'would_promote',
};

/** Builds promotion_result.json from the outcome of every model, sorted by plant, model and version. */
export function buildPromotionResult(outcomes: ModelOutcome[], unmatched: UnmatchedApproval[], info: PromotionRunInfo): PromotionResult {
  const categories: Record<CategoryName, ResultEntry[]> = { promoted: [], pending_approval: [], rejected: [], skipped: [], failed: [], would_promote: [] };
  for (const outcome of [...outcomes].sort(compareOutcomes)) {
    categories[CATEGORY_OF_STATUS[outcome.status]].push(toResultEntry(outcome));
  }

  return {
    schema_version: PROMOTION_RESULT_SCHEMA_VERSION,
    generated_at: info.generatedAt.toISOString(),
    task: 'PromoteModels',
    pipeline_run: info.pipelineRun,
    approval_file: info.approvalFile,
    registry: info.registry,
    dry_run: info.dryRun,
    plants_filter: info.plantsFilter,
    counts: {
      total: outcomes.length,
      promoted: categories.promoted.length,
      pending_approval: categories.pending_approval.length,
      rejected: categories.rejected.length,
      skipped: categories.skipped.length,
      failed: categories.failed.length,
      would_promote: categories.would_promote.length,
    },
    ...categories,
    unmatched_approvals: unmatched.map(toUnmatchedEntry),
  };
}

function toResultEntry(outcome: ModelOutcome): ResultEntry {
  const { decision } = outcome;
  const entry: ResultEntry = {
    model_name: decision.model.modelName,
    version: decision.model.version,
    plant_id: decision.model.plantId,
    status: outcome.status,
    key: decision.key,
    reason: outcome.reason,
    rule: decision.rule,
    at: outcome.at,
  };
  if (decision.plantApprovers !== undefined) {
    entry.approvers = decision.plantApprovers.approvers.map((approver) => approver.email);
    entry.approval_policy = decision.plantApprovers.policy;
    entry.waiting_for = decision.outcome === 'pending' ? decision.missingApprovers.map((approver) => approver.email) : [];
  }
  if (decision.approvedBy.length > 0) {
    entry.approved_by = decision.approvedBy;
  }
  if (outcome.registryUrl !== undefined) {
    entry.registry_url = outcome.registryUrl;
  }
  if (outcome.error !== undefined) {
    entry.error = outcome.error;
  }
  if (outcome.attempts !== undefined) {
    entry.attempts = outcome.attempts;
  }
  return entry;
}

export function toUnmatchedEntry(unmatched: UnmatchedApproval): UnmatchedApprovalEntry {
  const entry: UnmatchedApprovalEntry = { key: unmatched.key, status: unmatched.status };
  if (unmatched.nearMiss !== undefined) {
    entry.near_miss = describeNearMiss(unmatched.nearMiss);
  }
  return entry;
}

/** Describes the model an unmatched entry was probably meant for, as one sentence. */
export function describeNearMiss(nearMiss: NonNullable<UnmatchedApproval['nearMiss']>): string {
  return `Closest model ${nearMiss.key}: ${nearMiss.explanation}.`;
}

function compareOutcomes(left: ModelOutcome, right: ModelOutcome): number {
  const a = left.decision.model;
  const b = right.decision.model;
  return a.plantId.localeCompare(b.plantId) || a.modelName.localeCompare(b.modelName) || a.version.localeCompare(b.version, undefined, { numeric: true });
}
