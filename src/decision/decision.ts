import type { ApprovalEntry, ApprovalFile } from '../approvals/approval-file';
import type { Approver, ApproversConfig, PlantApprovers } from '../approvers/plant-approvers';
import type { RegisteredModel } from '../models/registered-model';

/** Values of the `unlistedModels` input: what happens to a model the approval file does not list. */
export const UNLISTED_MODEL_ACTIONS = ['approve', 'pending', 'reject'] as const;
export type UnlistedModelAction = (typeof UNLISTED_MODEL_ACTIONS)[number];

/** Everything besides the model itself that the decision for one model depends on. */
export interface DecisionContext {
  approvalFile: ApprovalFile;
  approvers: ApproversConfig;
  unlistedModels: UnlistedModelAction;
}

export type DecisionOutcome = 'approved' | 'pending' | 'rejected';

/** Decision rule that produced the outcome. The values are stable, because tests and the result file use them. */
export type DecisionRule =
  | 'status_rejected'
  | 'status_pending'
  | 'status_approved'
  | 'approvals_missing'
  | 'auto_plant'
  | 'auto_metric'
  | 'auto_not_allowed'
  | 'unlisted_auto_plant'
  | 'unlisted_auto_metric'
  | 'unlisted_other_plant'
  | 'unlisted_metric_failed'
  | 'unlisted_input';

/** The approval decision for one model, before the registry is consulted. */
export interface ModelDecision {
  model: RegisteredModel;
  key: string;
  outcome: DecisionOutcome;
  rule: DecisionRule;
  /** One sentence a plant engineer can act on, for example who still has to approve. */
  reason: string;
  entry?: ApprovalEntry;
  plantApprovers?: PlantApprovers;
  /** Configured approvers whose approval is still needed (policy `all`), or all of them (policy `any`). */
  missingApprovers: Approver[];
  /** Configured approvers whose approval counted. */
  approvedBy: string[];
}

/** An approval entry that matches no model of this run; `nearMiss` names the closest model that does exist. */
export interface UnmatchedApproval {
  key: string;
  status: ApprovalEntry['status'];
  nearMiss?: { key: string; explanation: string };
}
