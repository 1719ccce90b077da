// Checks of task.json files shared by the source tests and the package tests.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import Ajv from 'ajv-draft-04';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** The task folders under tasks/, each packaged as one task contribution. */
export const TASK_FOLDERS = ['PromoteModelsIndividually', 'RequestApprovals'] as const;

export interface TaskInput {
  name: string;
  type: string;
  label: string;
  defaultValue?: string | boolean;
  required?: boolean;
  groupName?: string;
  helpMarkDown?: string;
  visibleRule?: string;
  options?: Record<string, string>;
  properties?: Record<string, unknown>;
}

export interface TaskManifest {
  id: string;
  name: string;
  friendlyName: string;
  helpMarkDown?: string;
  version: { Major: number; Minor: number; Patch: number };
  minimumAgentVersion?: string;
  instanceNameFormat?: string;
  groups?: { name: string; displayName: string }[];
  inputs?: TaskInput[];
  outputVariables?: { name: string; description?: string }[];
  execution?: Record<string, { target: string }>;
}

/**
 * First agent release that runs each execution handler. Node20_1 arrived in agent v3.230.2
 * and Node24 in v4.265.0 (tags of microsoft/azure-pipelines-agent containing the handler).
 */
export const HANDLER_MINIMUM_AGENT_VERSIONS: Record<string, string> = {
  Node20_1: '3.230.2',
  Node24: '4.265.0',
};

export function readTaskManifest(file: string): TaskManifest {
  return JSON.parse(readFileSync(file, 'utf8')) as TaskManifest;
}

/**
 * Returns a validator for task-lib's tasks.schema.json. The schema lives in shared/specs beside
 * the repository, because CI clones the repository into another folder with shared/ next to it.
 * It is JSON Schema draft-04 with a `\:` escape that is invalid under the `u` flag, hence the
 * options.
 */
export function loadTaskSchemaValidator(): (manifest: unknown) => string[] {
  const schemaPath = path.resolve(repoRoot, '..', 'shared', 'specs', 'task.schema.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as object;
  const ajv = new Ajv({ allErrors: true, unicodeRegExp: false, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  return (manifest) => {
    if (validate(manifest)) return [];
    return (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
  };
}

/** Compares dotted version strings numerically: negative, zero or positive like a sort comparator. */
export function compareVersions(left: string, right: string): number {
  const leftParts = left.split('.').map(Number);
  const rightParts = right.split('.').map(Number);
  for (let i = 0; i < Math.max(leftParts.length, rightParts.length); i++) {
    const difference = (leftParts[i] ?? 0) - (rightParts[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Asserts that `minimumAgentVersion` is at least the first agent release of every declared handler. */
export function assertMinimumAgentVersionCoversHandlers(manifest: TaskManifest): void {
  assert.ok(manifest.minimumAgentVersion, `${manifest.name}: minimumAgentVersion is missing`);
  const handlers = Object.keys(manifest.execution ?? {});
  assert.ok(handlers.length > 0, `${manifest.name}: no execution handler is declared`);

  for (const handler of handlers) {
    const required = HANDLER_MINIMUM_AGENT_VERSIONS[handler];
    assert.ok(required, `${manifest.name}: handler ${handler} has no known minimum agent version; add it to HANDLER_MINIMUM_AGENT_VERSIONS`);
    assert.ok(
      compareVersions(manifest.minimumAgentVersion, required) >= 0,
      `${manifest.name}: minimumAgentVersion ${manifest.minimumAgentVersion} is below ${required}, the first agent with the ${handler} handler`,
    );
  }
}

export interface VisibleRuleClause {
  input: string;
  operator: string;
  value: string;
}

/**
 * Operators of task.json visible rules. Longer operators come first so that `!=` is not read as
 * `=`. The designer joins clauses with `&&` or `||`, but not both in one rule, and has no
 * parentheses.
 */
const VISIBLE_RULE_OPERATORS = ['NotContains', 'NotStartsWith', 'NotEndsWith', 'Contains', 'StartsWith', 'EndsWith', '==', '!=', '<=', '>=', '=', '<', '>'];

/** Splits a visible rule such as `a = b && c != d` into clauses. Throws on a rule that the designer cannot evaluate. */
export function parseVisibleRule(rule: string): VisibleRuleClause[] {
  const hasAnd = rule.includes('&&');
  const hasOr = rule.includes('||');
  if (hasAnd && hasOr) throw new Error(`visible rule "${rule}" mixes && and ||, which the designer does not evaluate`);
  if (/[()]/.test(rule)) throw new Error(`visible rule "${rule}" uses parentheses, which the designer does not support`);

  return rule.split(hasAnd ? '&&' : '||').map((text) => {
    const clause = text.trim();
    for (const operator of VISIBLE_RULE_OPERATORS) {
      const pattern = /^[A-Za-z]/.test(operator) ? new RegExp(`\\s${operator}\\s`) : new RegExp(`\\s*${operator.replace(/[|=<>!]/g, '\\$&')}\\s*`);
      const match = pattern.exec(clause);
      if (!match) continue;
      const input = clause.slice(0, match.index).trim();
      const value = clause.slice(match.index + match[0].length).trim();
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(input)) throw new Error(`visible rule "${rule}": "${input}" is not an input name`);
      return { input, operator, value };
    }
    throw new Error(`visible rule "${rule}": clause "${clause}" has no comparison operator`);
  });
}

/** Returns the values an input can take, or undefined when it accepts free text. */
export function allowedValues(input: TaskInput): string[] | undefined {
  if (input.type === 'boolean') return ['true', 'false'];
  if ((input.type === 'pickList' || input.type === 'radio') && input.properties?.EditableOptions !== 'True') {
    return Object.keys(input.options ?? {});
  }
  return undefined;
}
