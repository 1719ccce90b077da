import type { ApprovalRecord } from '../approvals/approval-file';
import type { Approver, PlantApprovers } from '../approvers/plant-approvers';
import { neutralizeInline, quote } from '../text/neutralize';

/** The approvals of one entry sorted into those that count and those that do not. */
export interface ApprovalMatch {
  /** Configured approvers who appear in the approvals list, in configuration order. */
  approved: Approver[];
  /** Configured approvers who do not appear in the approvals list, in configuration order. */
  missing: Approver[];
  /** `approver` values of the list that match no configured approver of the plant. */
  nonApprovers: string[];
}

/**
 * Matches the `approvals` list of an entry against the plant's configured approvers. A record
 * matches by e-mail address, ignoring letter case, or by name, ignoring letter case. A name
 * shared by two configured approvers matches neither, because it cannot tell which one approved.
 */
export function matchApprovers(records: ApprovalRecord[], plant: PlantApprovers): ApprovalMatch {
  const approved = new Set<Approver>();
  const nonApprovers: string[] = [];

  for (const record of records) {
    const approver = findApprover(record.approver, plant.approvers);
    if (approver === undefined) {
      nonApprovers.push(record.approver);
    } else {
      approved.add(approver);
    }
  }

  return {
    approved: plant.approvers.filter((approver) => approved.has(approver)),
    missing: plant.approvers.filter((approver) => !approved.has(approver)),
    nonApprovers,
  };
}

function findApprover(text: string, approvers: Approver[]): Approver | undefined {
  const normalized = text.trim().toLowerCase();
  const byEmail = approvers.find((approver) => approver.email.toLowerCase() === normalized);
  if (byEmail !== undefined) {
    return byEmail;
  }
  const byName = approvers.filter((approver) => approver.name.trim().toLowerCase() === normalized);
  return byName.length === 1 ? byName[0] : undefined;
}

/** Formats approvers as `Name <email>` for a reason, neutralized because the approvers file is untrusted text. */
export function describeApprovers(approvers: Approver[]): string {
  return approvers.map((approver) => neutralizeInline(`${approver.name} <${approver.email}>`, 120)).join(', ');
}

/** Formats `approver` values from the approval file for a reason. */
export function describeNonApprovers(nonApprovers: string[]): string {
  return nonApprovers.map((nonApprover) => quote(nonApprover, 80)).join(', ');
}
