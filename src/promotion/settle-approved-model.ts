import * as path from 'node:path';

import type { ModelDecision } from '../decision/decision';
import { errorMessage } from '../errors';
import type { ModelRegistry, RegistryCallContext } from '../registry/model-registry';
import type { ModelOutcome } from './model-outcome';

export interface SettleOptions {
  registry: ModelRegistry;
  dryRun: boolean;
  now(): Date;
  approvalFileSha256: string;
  /** Folder that relative model paths in the models file are resolved against. */
  workingDirectory: string;
}

/** A model's outcome and the log lines buffered while it was settled, written later as one group. */
export interface SettledModel {
  outcome: ModelOutcome;
  lines: string[];
}

/**
 * Checks the registry for one approved model and promotes it unless it is there already or
 * this is a dry run. Never rejects: any error ends this model as `failed` with the message,
 * so the other models of the run go on.
 */
export async function settleApprovedModel(decision: ModelDecision, options: SettleOptions): Promise<SettledModel> {
  const lines: string[] = [`Approved: ${decision.reason}`];
  const model = decision.model.path === undefined ? decision.model : { ...decision.model, path: path.resolve(options.workingDirectory, decision.model.path) };
  const context: RegistryCallContext = {
    log: (line) => lines.push(line),
    approval: { key: decision.key, rule: decision.rule, reason: decision.reason, approvedBy: decision.approvedBy, approvalFileSha256: options.approvalFileSha256 },
  };
  const settle = (fields: Omit<ModelOutcome, 'decision' | 'at'>): SettledModel => {
    const reason = fields.reason === decision.reason ? '' : ` ${fields.reason}`;
    const location = fields.registryUrl === undefined ? '' : ` Registry entry: ${fields.registryUrl}`;
    lines.push(`Result: ${fields.status}.${reason}${location}`);
    if (fields.error !== undefined) {
      lines.push(`Error: ${fields.error}`);
    }
    return { outcome: { decision, at: options.now().toISOString(), ...fields }, lines };
  };

  try {
    const found = await options.registry.lookup(model, context);
    if (found.exists) {
      return settle({ status: 'already_promoted', reason: `Version ${model.version} is already in the registry, so it was not promoted again.`, registryUrl: found.url });
    }
    if (options.dryRun) {
      return settle({ status: 'would_promote', reason: `Dry run: approved and not in the registry, so a real run would promote it (${decision.reason}).` });
    }

    const promotion = await options.registry.promote(model, context);
    if (promotion.status === 'already_promoted') {
      return settle({ status: 'already_promoted', reason: 'Another run promoted this version at the same time, so it was left as it is.', registryUrl: promotion.url, attempts: promotion.attempts });
    }
    return settle({ status: 'promoted', reason: decision.reason, registryUrl: promotion.url, attempts: promotion.attempts });
  } catch (error) {
    return settle({ status: 'failed', reason: 'The promotion failed.', error: errorMessage(error) });
  }
}
