import type { ApprovalFile } from '../approvals/approval-file';
import { escapePointerToken } from '../approvals/scan-json';
import type { Problem } from '../errors';
import { approvalKey, type RegisteredModel } from '../models/registered-model';
import { quote } from '../text/neutralize';

/**
 * Returns a problem for every approval key that matches no model of the run exactly, but names
 * one of them in other letter case or with leading zeros in a numeric version. Such a key is a
 * typo that would silently not apply: a "rejected" written as `plant003:…` would leave PLANT003's
 * model unlisted, and the unlistedModels input may then approve it.
 */
export function findMistypedApprovalKeys(approvalFile: ApprovalFile, models: readonly RegisteredModel[], source: string): Problem[] {
  const exactKeys = new Set(models.map((model) => approvalKey(model)));
  const modelsByLooseKey = new Map<string, RegisteredModel>();
  for (const model of models) {
    modelsByLooseKey.set(looseKey(model.plantId, model.modelName, model.version), model);
  }

  const problems: Problem[] = [];
  for (const entry of approvalFile.entries.values()) {
    if (exactKeys.has(entry.key)) {
      continue;
    }
    const model = modelsByLooseKey.get(looseKey(entry.plantId, entry.modelName, entry.version));
    if (model === undefined) {
      continue;
    }
    const modelKey = quote(approvalKey(model));
    problems.push({
      source,
      location: `/${escapePointerToken(entry.key)}`,
      message: `Names the model ${modelKey} of this run in other letter case or with leading zeros, so the entry would not apply to it`,
      value: quote(entry.key),
      allowed: `the key exactly as the run registered the model: ${modelKey}`,
    });
  }
  return problems;
}

function looseKey(plantId: string, modelName: string, version: string): string {
  const looseVersion = /^\d+$/.test(version) ? BigInt(version).toString() : version.toLowerCase();
  return `${plantId.toLowerCase()}:${modelName.toLowerCase()}:${looseVersion}`;
}
