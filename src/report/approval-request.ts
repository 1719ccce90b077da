import type { ApprovalPolicy, Approver } from '../approvers/plant-approvers';
import type { ModelDecision, UnmatchedApproval } from '../decision/decision';
import type { PipelineRunInfo } from '../pipeline/read-pipeline-run';
import { toUnmatchedEntry } from './build-promotion-result';
import type { UnmatchedApprovalEntry } from './promotion-result';

export const APPROVAL_REQUEST_SCHEMA_VERSION = 1;

/** Attachment type of approval_request.json, beside `promotion-result`. */
export const APPROVAL_REQUEST_ATTACHMENT_TYPE = 'approval-request';

/** One model that still needs a decision from its plant's approvers. */
export interface ApprovalRequestEntry {
  key: string;
  plant_id: string;
  model_name: string;
  version: string;
  /** The decision rule that left the model pending. */
  rule: string;
  reason: string;
  /** The plant's approvers; empty when the plant has no approver list. */
  approvers: Approver[];
  /** Null when the plant has no approver list, so the status in the approval file alone decides. */
  approval_policy: ApprovalPolicy | null;
  /** E-mail addresses of the approvers whose approval is still missing. */
  waiting_for: string[];
  approved_by: string[];
  metrics: Record<string, number>;
  tags: Record<string, string>;
  pipeline_run_url: string | null;
}

/** The whole approval_request.json document. */
export interface ApprovalRequest {
  schema_version: number;
  generated_at: string;
  task: 'RequestApprovals';
  pipeline_run: PipelineRunInfo;
  approval_file: { path: string; sha256: string };
  plants_filter: string[];
  counts: { total: number; requests: number; approved: number; rejected: number };
  requests: ApprovalRequestEntry[];
  unmatched_approvals: UnmatchedApprovalEntry[];
}

export interface ApprovalRequestInfo {
  generatedAt: Date;
  pipelineRun: PipelineRunInfo;
  approvalFile: { path: string; sha256: string };
  plantsFilter: string[];
}

/** Builds approval_request.json: one request per pending model, sorted by plant, model and version. */
export function buildApprovalRequest(decisions: ModelDecision[], unmatched: UnmatchedApproval[], info: ApprovalRequestInfo): ApprovalRequest {
  const pending = decisions
    .filter((decision) => decision.outcome === 'pending')
    .sort((a, b) => a.key.localeCompare(b.key, undefined, { numeric: true }));
  return {
    schema_version: APPROVAL_REQUEST_SCHEMA_VERSION,
    generated_at: info.generatedAt.toISOString(),
    task: 'RequestApprovals',
    pipeline_run: info.pipelineRun,
    approval_file: info.approvalFile,
    plants_filter: info.plantsFilter,
    counts: {
      total: decisions.length,
      requests: pending.length,
      approved: decisions.filter((decision) => decision.outcome === 'approved').length,
      rejected: decisions.filter((decision) => decision.outcome === 'rejected').length,
    },
    requests: pending.map((decision) => toRequestEntry(decision, info.pipelineRun.url)),
    unmatched_approvals: unmatched.map(toUnmatchedEntry),
  };
}

function toRequestEntry(decision: ModelDecision, runUrl: string | undefined): ApprovalRequestEntry {
  const { model, plantApprovers } = decision;
  return {
    key: decision.key,
    plant_id: model.plantId,
    model_name: model.modelName,
    version: model.version,
    rule: decision.rule,
    reason: decision.reason,
    approvers: plantApprovers?.approvers ?? [],
    approval_policy: plantApprovers?.policy ?? null,
    waiting_for: decision.missingApprovers.map((approver) => approver.email),
    approved_by: decision.approvedBy,
    metrics: model.metrics,
    tags: model.tags,
    pipeline_run_url: runUrl ?? null,
  };
}
