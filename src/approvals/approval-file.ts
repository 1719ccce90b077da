/** Statuses accepted in approval_status.json. */
export const APPROVAL_STATUSES = ['approved', 'pending', 'rejected', 'auto'] as const;
export type ApprovalStatus = (typeof APPROVAL_STATUSES)[number];

/** One recorded approval of a model version. */
export interface ApprovalRecord {
  /** E-mail address (or name) of the person who approved. */
  approver: string;
  /** ISO 8601 time of the approval. */
  at?: string;
  comment?: string;
}

/** One `<PLANT_ID>:<MODEL_NAME>:<VERSION>` entry of approval_status.json. */
export interface ApprovalEntry {
  key: string;
  plantId: string;
  modelName: string;
  version: string;
  status: ApprovalStatus;
  /** Present only when the entry is an object with an `approvals` list. */
  approvals?: ApprovalRecord[];
}

/**
 * A metric threshold that auto-approves a model: every bound given must hold for the model's
 * metric. `plants` limits the rule to those plants; without it the rule covers every plant.
 */
export interface AutoApproveRule {
  metric: string;
  min?: number;
  max?: number;
  plants?: string[];
}

/** The validated content of approval_status.json. */
export interface ApprovalFile {
  autoApprovePlants: string[];
  autoApproveRules: AutoApproveRule[];
  /** Entries by key, in file order. */
  entries: Map<string, ApprovalEntry>;
}

export function emptyApprovalFile(): ApprovalFile {
  return { autoApprovePlants: [], autoApproveRules: [], entries: new Map() };
}
