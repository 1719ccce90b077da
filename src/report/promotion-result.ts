import type { RegistryType } from '../registry/model-registry';

export const PROMOTION_RESULT_SCHEMA_VERSION = 1;

/** Attachment type under which the result file is attached for the summary tab. */
export const PROMOTION_RESULT_ATTACHMENT_TYPE = 'promotion-result';

/** `would_promote` appears only in dry runs, for approved models that are not in the registry yet. */
export type ResultStatus = 'promoted' | 'pending_approval' | 'rejected' | 'already_promoted' | 'failed' | 'would_promote';

/** One model in promotion_result.json; the first four fields keep the design note's shape. */
export interface ResultEntry {
  model_name: string;
  version: string;
  plant_id: string;
  status: ResultStatus;
  key: string;
  reason: string;
  /** Decision rule that applied (a `DecisionRule` value). */
  rule?: string;
  approvers?: string[];
  approval_policy?: 'any' | 'all';
  /** Approvers the model still waits for. */
  waiting_for?: string[];
  approved_by?: string[];
  registry_url?: string;
  error?: string;
  attempts?: number;
  /** ISO 8601 time the model's outcome was settled. */
  at?: string;
}

export interface UnmatchedApprovalEntry {
  key: string;
  status: string;
  near_miss?: string;
}

/** The whole promotion_result.json document. */
export interface PromotionResult {
  schema_version: number;
  generated_at: string;
  task: 'PromoteModels' | 'RequestApprovals';
  pipeline_run: {
    id?: string;
    number?: string;
    url?: string;
    definition?: string;
    job?: string;
    attempt?: string;
  };
  approval_file: { path: string; sha256: string | null };
  registry: { type: RegistryType; target: string };
  dry_run: boolean;
  plants_filter: string[];
  counts: {
    total: number;
    promoted: number;
    pending_approval: number;
    rejected: number;
    skipped: number;
    failed: number;
    /** Dry runs only; the files this version writes always contain it. */
    would_promote?: number;
  };
  promoted: ResultEntry[];
  pending_approval: ResultEntry[];
  rejected: ResultEntry[];
  skipped: ResultEntry[];
  failed: ResultEntry[];
  /** Approved models a dry run would promote; empty when `dry_run` is false. Always written by this version. */
  would_promote?: ResultEntry[];
  unmatched_approvals: UnmatchedApprovalEntry[];
}
