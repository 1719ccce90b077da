import type { Problem } from '../../errors';
import { quote } from '../../text/neutralize';

/**
 * Name rules of Azure Machine Learning, from the `2024-04-01` REST specification
 * (`mfe.json`, `registries.json`, `machineLearningServices.json`). Checking them before the
 * first request turns a late HTTP 400 into an error that names the value and the rule.
 */
export const AZUREML_NAME_RULES = {
  model: { pattern: /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/, text: '^[a-zA-Z0-9][a-zA-Z0-9\\-_]{0,254}$ (letters, digits, - and _, at most 255 characters, no dots)' },
  registry: { pattern: /^[a-zA-Z0-9][a-zA-Z0-9\-_]{2,32}$/, text: '^[a-zA-Z0-9][a-zA-Z0-9\\-_]{2,32}$ (3 to 33 letters, digits, - or _)' },
  workspace: { pattern: /^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/, text: '^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$ (3 to 33 letters, digits, - or _)' },
  // Azure ML accepts only positive integers as model versions, unlike data and environment assets.
  modelVersion: { pattern: /^[1-9][0-9]{0,9}$/, text: 'a positive integer such as 5' },
  // ARM resource group names: 1 to 90 characters, letters, digits, ., _, -, ( and ), not ending in a dot.
  resourceGroup: { pattern: /^[-\w._()]{0,89}[-\w_()]$/, text: '1 to 90 letters, digits, ., _, -, ( or ), not ending with a dot' },
  subscriptionId: { pattern: /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, text: 'a GUID such as 00000000-0000-0000-0000-000000000000' },
} as const;

export type AzureMlNameKind = keyof typeof AZUREML_NAME_RULES;

const KIND_LABELS: Record<AzureMlNameKind, string> = {
  model: 'model name',
  registry: 'registry name',
  workspace: 'workspace name',
  modelVersion: 'model version',
  resourceGroup: 'resource group name',
  subscriptionId: 'subscription ID',
};

/** Returns a problem when `value` breaks the Azure ML rule for its kind, otherwise undefined. */
export function checkAzureMlName(kind: AzureMlNameKind, value: string, source: string, location = ''): Problem | undefined {
  const rule = AZUREML_NAME_RULES[kind];
  if (rule.pattern.test(value)) {
    return undefined;
  }
  return {
    source,
    location,
    message: `Invalid Azure Machine Learning ${KIND_LABELS[kind]}`,
    value: quote(value),
    allowed: rule.text,
  };
}
