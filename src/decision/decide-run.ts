import type { RegisteredModel } from '../models/registered-model';
import { decideModel } from './decide-model';
import type { DecisionContext, ModelDecision, UnmatchedApproval } from './decision';
import { findUnmatchedApprovals } from './match-approvals';

/** Decides every model of a run, in input order, and lists the approval entries that match none of them. */
export function decideRun(models: RegisteredModel[], context: DecisionContext): { decisions: ModelDecision[]; unmatched: UnmatchedApproval[] } {
  return {
    decisions: models.map((model) => decideModel(model, context)),
    unmatched: findUnmatchedApprovals(context.approvalFile, models),
  };
}
