export const APPROVAL_POLICIES = ['any', 'all'] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

export interface Approver {
  name: string;
  email: string;
  role?: string;
}

/** The approvers of one plant and how many of them must approve. */
export interface PlantApprovers {
  plantId: string;
  approvers: Approver[];
  policy: ApprovalPolicy;
}

/** Approver lists by plant ID; a plant that is missing has no approver list. */
export type ApproversConfig = Map<string, PlantApprovers>;
