import type { ApprovalEntry } from '../approvals/approval-file';
import type { PlantApprovers } from '../approvers/plant-approvers';
import { approvalKey, type RegisteredModel } from '../models/registered-model';
import { neutralizeInline, quote } from '../text/neutralize';
import type { DecisionContext, DecisionOutcome, DecisionRule, ModelDecision } from './decision';
import { evaluateMetricRules, rulesCoveringPlant } from './evaluate-metric-rules';
import { describeApprovers, describeNonApprovers, matchApprovers } from './match-approvers';

/** The fields every branch of the decision sets; the rest comes from the model and the context. */
interface Verdict {
  outcome: DecisionOutcome;
  rule: DecisionRule;
  reason: string;
  missingApprovers?: PlantApprovers['approvers'];
  approvedBy?: string[];
}

/**
 * Decides whether one model may be promoted, from its approval entry, its plant's approvers and
 * the `unlistedModels` input. The rules apply in this order: a rejected entry, a pending entry,
 * an approved entry (checked against the plant's approvers), an auto entry, and last a model
 * that the approval file does not list. The registry is not consulted here.
 */
export function decideModel(model: RegisteredModel, context: DecisionContext): ModelDecision {
  const key = approvalKey(model);
  const entry = context.approvalFile.entries.get(key);
  const plantApprovers = context.approvers.get(model.plantId);
  const verdict = entry === undefined ? decideUnlisted(model, context, plantApprovers) : decideListed(model, entry, context, plantApprovers);

  return {
    model,
    key,
    outcome: verdict.outcome,
    rule: verdict.rule,
    reason: verdict.reason,
    entry,
    plantApprovers,
    missingApprovers: verdict.missingApprovers ?? [],
    approvedBy: verdict.approvedBy ?? [],
  };
}

function decideListed(model: RegisteredModel, entry: ApprovalEntry, context: DecisionContext, plantApprovers: PlantApprovers | undefined): Verdict {
  switch (entry.status) {
    case 'rejected':
      return { outcome: 'rejected', rule: 'status_rejected', reason: 'The approval file marks this model version as rejected, so it is never promoted.' };
    case 'pending':
      return {
        outcome: 'pending',
        rule: 'status_pending',
        reason: `The approval file marks this model version as pending; ${askToApprove(plantApprovers)}.`,
        missingApprovers: stillNeeded(entry, plantApprovers),
      };
    case 'approved':
      return decideApproved(entry, plantApprovers);
    case 'auto':
      return decideAuto(model, context, plantApprovers);
    default:
      return assertNever(entry.status);
  }
}

/** Decides an approved entry, which must carry the right approvals when the plant has configured approvers. */
function decideApproved(entry: ApprovalEntry, plantApprovers: PlantApprovers | undefined): Verdict {
  if (plantApprovers === undefined || plantApprovers.approvers.length === 0) {
    return { outcome: 'approved', rule: 'status_approved', reason: 'The approval file marks this model version as approved, and its plant has no approver list.' };
  }

  const plant = neutralizeInline(plantApprovers.plantId, 60);
  if (entry.approvals === undefined) {
    if (plantApprovers.policy === 'all') {
      return {
        outcome: 'pending',
        rule: 'approvals_missing',
        reason: `Plant ${plant} requires every configured approver, but the entry is a bare "approved" without an approvals list; still missing: ${describeApprovers(plantApprovers.approvers)}.`,
        missingApprovers: [...plantApprovers.approvers],
      };
    }
    return { outcome: 'approved', rule: 'status_approved', reason: `The approval file marks this model version as approved, and plant ${plant} accepts any one of its approvers.` };
  }

  const match = matchApprovers(entry.approvals, plantApprovers);
  const approvedBy = match.approved.map((approver) => approver.email);
  const ignored = match.nonApprovers.length > 0 ? `, and ${describeNonApprovers(match.nonApprovers)} ${match.nonApprovers.length === 1 ? 'does' : 'do'} not count because only configured approvers do` : '';

  if (plantApprovers.policy === 'all') {
    if (match.missing.length === 0) {
      return { outcome: 'approved', rule: 'status_approved', reason: `All ${plantApprovers.approvers.length} configured approvers of plant ${plant} approved.`, approvedBy };
    }
    return {
      outcome: 'pending',
      rule: 'approvals_missing',
      reason: `Plant ${plant} requires every configured approver; still missing: ${describeApprovers(match.missing)}${ignored}.`,
      missingApprovers: match.missing,
      approvedBy,
    };
  }

  if (match.approved.length > 0) {
    return { outcome: 'approved', rule: 'status_approved', reason: `Approved by ${describeApprovers(match.approved)}, a configured approver of plant ${plant}.`, approvedBy };
  }
  const noCountedApproval =
    match.nonApprovers.length > 0
      ? `${describeNonApprovers(match.nonApprovers)} ${match.nonApprovers.length === 1 ? 'is not a configured approver' : 'are not configured approvers'} of plant ${plant}`
      : 'the approvals list is empty';
  return {
    outcome: 'pending',
    rule: 'approvals_missing',
    reason: `The entry is approved, but ${noCountedApproval}; ${whoMustApprove(plantApprovers)} must approve.`,
    missingApprovers: [...plantApprovers.approvers],
  };
}

/** Decides an auto entry, which only auto_approve_plants or the metric rules can approve. */
function decideAuto(model: RegisteredModel, context: DecisionContext, plantApprovers: PlantApprovers | undefined): Verdict {
  const plant = neutralizeInline(model.plantId, 60);
  if (context.approvalFile.autoApprovePlants.includes(model.plantId)) {
    return { outcome: 'approved', rule: 'auto_plant', reason: `The entry is auto and plant ${plant} is in auto_approve_plants.` };
  }
  const metrics = evaluateMetricRules(model, context.approvalFile.autoApproveRules);
  if (metrics.passed) {
    return { outcome: 'approved', rule: 'auto_metric', reason: `The entry is auto and the model passes the auto-approval metric rules: ${metrics.explanation}.` };
  }
  return {
    outcome: 'pending',
    rule: 'auto_not_allowed',
    reason: `The entry is auto, but plant ${plant} is not in auto_approve_plants and ${metrics.explanation}; add the plant to auto_approve_plants or set the entry to "approved".`,
    missingApprovers: allApprovers(plantApprovers),
  };
}

/** Decides a model without an entry: auto settings first, then the `unlistedModels` input. */
function decideUnlisted(model: RegisteredModel, context: DecisionContext, plantApprovers: PlantApprovers | undefined): Verdict {
  const { autoApprovePlants, autoApproveRules } = context.approvalFile;
  const plant = neutralizeInline(model.plantId, 60);
  const entryHint = `add ${quote(approvalKey(model))}: "approved" to the approval file`;

  if (autoApprovePlants.includes(model.plantId)) {
    return { outcome: 'approved', rule: 'unlisted_auto_plant', reason: `The approval file has no entry for this model version, and plant ${plant} is in auto_approve_plants.` };
  }
  const metrics = evaluateMetricRules(model, autoApproveRules);
  if (metrics.passed) {
    return {
      outcome: 'approved',
      rule: 'unlisted_auto_metric',
      reason: `The approval file has no entry for this model version, and the model passes the auto-approval metric rules: ${metrics.explanation}.`,
    };
  }

  // A metric rule that covers the plant is the plant's approval mechanism, like
  // auto_approve_plants: a model that fails it waits for a person instead of falling through
  // to unlistedModels, which would otherwise approve it by default.
  if (rulesCoveringPlant(autoApproveRules, model.plantId).length > 0) {
    return {
      outcome: 'pending',
      rule: 'unlisted_metric_failed',
      reason: `The approval file has no entry for this model version and the model fails the auto-approval metric rules of plant ${plant}: ${metrics.explanation}; ${entryHint}.`,
      missingApprovers: allApprovers(plantApprovers),
    };
  }

  if (autoApprovePlants.length > 0) {
    const listed = autoApprovePlants.map((id) => neutralizeInline(id, 60)).join(', ');
    return {
      outcome: 'pending',
      rule: 'unlisted_other_plant',
      reason: `The approval file has no entry for this model version and auto-approves only plants ${listed}; ${entryHint}.`,
      missingApprovers: allApprovers(plantApprovers),
    };
  }

  switch (context.unlistedModels) {
    case 'approve': {
      // The input is applied as documented, but a plant with approvers is promoted without
      // them here, so the reason states this and names the stricter setting.
      const base = 'The approval file has no entry for this model version, and the unlistedModels input is "approve"';
      const approvers = allApprovers(plantApprovers);
      const reason =
        approvers.length === 0
          ? `${base}.`
          : `${base}, so plant ${neutralizeInline(model.plantId, 60)}'s approvers were not asked; set unlistedModels to "pending" to require their approval.`;
      return { outcome: 'approved', rule: 'unlisted_input', reason };
    }
    case 'pending':
      return {
        outcome: 'pending',
        rule: 'unlisted_input',
        reason: `The approval file has no entry for this model version and the unlistedModels input is "pending"; ${entryHint}.`,
        missingApprovers: allApprovers(plantApprovers),
      };
    case 'reject':
      return {
        outcome: 'rejected',
        rule: 'unlisted_input',
        reason: `The approval file has no entry for this model version and the unlistedModels input is "reject"; ${entryHint} to promote it.`,
      };
    default:
      return assertNever(context.unlistedModels);
  }
}

/** Approvers still needed for a pending entry: the missing ones under policy all, everyone under policy any until one approves. */
function stillNeeded(entry: ApprovalEntry, plantApprovers: PlantApprovers | undefined): PlantApprovers['approvers'] {
  if (plantApprovers === undefined) {
    return [];
  }
  const match = matchApprovers(entry.approvals ?? [], plantApprovers);
  if (plantApprovers.policy === 'all') {
    return match.missing;
  }
  return match.approved.length > 0 ? [] : [...plantApprovers.approvers];
}

function allApprovers(plantApprovers: PlantApprovers | undefined): PlantApprovers['approvers'] {
  return plantApprovers === undefined ? [] : [...plantApprovers.approvers];
}

function askToApprove(plantApprovers: PlantApprovers | undefined): string {
  if (plantApprovers === undefined || plantApprovers.approvers.length === 0) {
    return 'change the entry to "approved" once the plant agrees';
  }
  return `${whoMustApprove(plantApprovers)} must approve before the entry is changed to "approved"`;
}

/** Names the approvers who must approve, with "one of" or "all of" when the plant has several. */
function whoMustApprove(plantApprovers: PlantApprovers): string {
  const names = describeApprovers(plantApprovers.approvers);
  if (plantApprovers.approvers.length === 1) {
    return names;
  }
  return plantApprovers.policy === 'all' ? `all of ${names}` : `one of ${names}`;
}

/** Raises on a value outside a union type, which only untyped callers can pass. */
function assertNever(value: never): never {
  throw new TypeError(`Unexpected value ${quote(value)}; the decision accepts only the documented values.`);
}
