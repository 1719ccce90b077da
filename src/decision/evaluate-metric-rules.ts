import type { AutoApproveRule } from '../approvals/approval-file';
import type { RegisteredModel } from '../models/registered-model';
import { neutralizeInline } from '../text/neutralize';

/** Result of the auto-approval metric rules for one model. */
export interface MetricRuleResult {
  passed: boolean;
  /** Reason the model passed or failed, as a clause for a longer sentence, for example "accuracy 0.85 is below the minimum 0.9". */
  explanation: string;
}

/** Returns the rules that apply to a plant: those naming it and those without a `plants` list. */
export function rulesCoveringPlant(rules: AutoApproveRule[], plantId: string): AutoApproveRule[] {
  return rules.filter((rule) => rule.plants === undefined || rule.plants.includes(plantId));
}

/**
 * Checks a model against the metric rules that cover its plant. The model passes only when at
 * least one rule covers its plant and every covering rule holds, so adding a rule can only make
 * auto-approval stricter. A model without the rule's metric fails that rule.
 */
export function evaluateMetricRules(model: RegisteredModel, rules: AutoApproveRule[]): MetricRuleResult {
  const covering = rulesCoveringPlant(rules, model.plantId);
  if (covering.length === 0) {
    return { passed: false, explanation: 'no auto-approval metric rule covers this plant' };
  }

  const failures: string[] = [];
  const passes: string[] = [];
  for (const rule of covering) {
    const metric = neutralizeInline(rule.metric, 60);
    const value = Object.hasOwn(model.metrics, rule.metric) ? model.metrics[rule.metric] : undefined;
    if (value === undefined) {
      failures.push(`the model has no metric ${metric}`);
    } else if (rule.min !== undefined && value < rule.min) {
      failures.push(`${metric} ${value} is below the minimum ${rule.min}`);
    } else if (rule.max !== undefined && value > rule.max) {
      failures.push(`${metric} ${value} is above the maximum ${rule.max}`);
    } else {
      passes.push(`${metric} ${value} ${describeBounds(rule)}`);
    }
  }

  if (failures.length > 0) {
    return { passed: false, explanation: failures.join(', and ') };
  }
  return { passed: true, explanation: passes.join(', and ') };
}

function describeBounds(rule: AutoApproveRule): string {
  if (rule.min !== undefined && rule.max !== undefined) {
    return `is within ${rule.min} to ${rule.max}`;
  }
  return rule.min !== undefined ? `is at least ${rule.min}` : `is at most ${rule.max}`;
}
