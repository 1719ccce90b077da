import type { ApprovalEntry, ApprovalFile } from '../approvals/approval-file';
import { approvalKey, type RegisteredModel } from '../models/registered-model';
import { neutralizeInline } from '../text/neutralize';
import type { UnmatchedApproval } from './decision';

/**
 * Returns the approval entries that match no model of this run, each with the closest model
 * when one exists. An entry for version 5 while the run registered version 6 is the usual
 * cause: the approval was given for an older model and the new one waits unnoticed.
 * The caller applies the plants filter before passing the models.
 */
export function findUnmatchedApprovals(approvalFile: ApprovalFile, models: RegisteredModel[]): UnmatchedApproval[] {
  const modelKeys = new Set(models.map((model) => approvalKey(model)));
  const unmatched: UnmatchedApproval[] = [];

  for (const entry of approvalFile.entries.values()) {
    if (modelKeys.has(entry.key)) {
      continue;
    }
    const nearMiss = findNearMiss(entry, models);
    unmatched.push(nearMiss === undefined ? { key: entry.key, status: entry.status } : { key: entry.key, status: entry.status, nearMiss });
  }
  return unmatched;
}

/**
 * Looks for the model an entry was probably meant for. The order is: the same plant and model
 * with another version, then the same model and version under another plant. Last comes a model
 * of the same plant and version whose name differs only in letter case or by one edit.
 */
function findNearMiss(entry: ApprovalEntry, models: RegisteredModel[]): UnmatchedApproval['nearMiss'] {
  const model = (text: string): string => neutralizeInline(text, 120);

  const otherVersions = models.filter((candidate) => candidate.plantId === entry.plantId && candidate.modelName === entry.modelName);
  if (otherVersions.length > 0) {
    const versions = otherVersions.map((candidate) => model(candidate.version)).join(', ');
    return {
      key: approvalKey(otherVersions[0]),
      explanation: `${entry.status} version ${model(entry.version)} while this run registered ${versions} of ${model(entry.modelName)}`,
    };
  }

  const otherPlant = models.find((candidate) => candidate.modelName === entry.modelName && candidate.version === entry.version);
  if (otherPlant !== undefined) {
    return {
      key: approvalKey(otherPlant),
      explanation: `${entry.status} for plant ${model(entry.plantId)} while this run registered the model for plant ${model(otherPlant.plantId)}`,
    };
  }

  const similarName = models.find(
    (candidate) =>
      candidate.plantId.toLowerCase() === entry.plantId.toLowerCase() &&
      candidate.version === entry.version &&
      isWithinOneEdit(candidate.modelName.toLowerCase(), entry.modelName.toLowerCase()),
  );
  if (similarName !== undefined) {
    return {
      key: approvalKey(similarName),
      explanation: `${entry.status} model ${model(entry.modelName)} while this run registered ${model(similarName.modelName)}; check the spelling`,
    };
  }
  return undefined;
}

/** Returns whether two strings differ by at most one insertion, deletion or substitution. */
export function isWithinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) {
    return false;
  }
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    start += 1;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }
  return endA - start <= 1 && endB - start <= 1;
}
