import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import yaml from 'js-yaml';

import plantApproversSchema from '../../schemas/plant_approvers.schema.json';
import { formatLocation, schemaErrorsToProblems, sortByLine, type LineLookup } from '../approvals/schema-problems';
import { escapePointerToken } from '../approvals/scan-json';
import { ApproversFileError, type Problem } from '../errors';
import { neutralizeInline, quote } from '../text/neutralize';
import { loadYamlWithLines } from './load-yaml-with-lines';
import type { ApprovalPolicy, Approver, ApproversConfig } from './plant-approvers';
import { plainScalarSchema, TooManyNodesError, unwrapPlainScalars, MAX_YAML_NODES } from './yaml-plain-scalars';

const PLANT_FORMS = 'a list of approvers, or a mapping {approvers: [...], approval_policy: any | all}';

let compiledValidator: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiledValidator === undefined) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true });
    addFormats(ajv, ['email']);
    compiledValidator = ajv.compile(plantApproversSchema);
  }
  return compiledValidator;
}

/**
 * Parses and validates config/plant_approvers.yaml. Plant IDs stay exactly as written, so `001`
 * is not read as the number 1. An empty file or an empty `approvers:` means no plant has an
 * approver list. Throws `ApproversFileError` listing every problem. YAML syntax errors get their
 * line and column and, for common mistakes, the accepted form.
 */
export function parseApproversFile(text: string, source: string): ApproversConfig {
  const content = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let document: unknown;
  let lineOf: LineLookup;
  try {
    const loaded = loadYamlWithLines(content, { filename: source, schema: plainScalarSchema() });
    document = unwrapPlainScalars(loaded.value);
    lineOf = (pointer) => loaded.lines.get(pointer);
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      throw new ApproversFileError(source, [describeYamlError(error, content, source)]);
    }
    if (error instanceof TooManyNodesError) {
      throw new ApproversFileError(source, [
        { source, location: '', message: `has more than ${MAX_YAML_NODES} values once its YAML aliases are expanded`, allowed: 'a plain list of approvers per plant' },
      ]);
    }
    throw error;
  }

  const validate = validator();
  const problems: Problem[] = [];
  if (!validate(document ?? null)) {
    problems.push(
      ...schemaErrorsToProblems(validate.errors ?? [], {
        source,
        lineOf,
        allowedAt: describeAllowed,
      }),
    );
  }
  problems.push(...findDuplicateEmails(document, source, lineOf));
  if (problems.length > 0) {
    throw new ApproversFileError(source, sortByLine(problems));
  }
  return buildConfig(document);
}

function describeAllowed(pointer: string, error: ErrorObject): string | undefined {
  const depth = pointer.split('/').length - 1;
  if (pointer === '' && error.keyword === 'type') {
    return 'a mapping with the key approvers, for example approvers: {PLANT001: [{name: Jane Smith, email: jane.smith@company.com}]}';
  }
  if (pointer === '' && error.keyword === 'additionalProperties') {
    return 'only the key approvers; put each plant under approvers:';
  }
  if (pointer === '/approvers' && error.keyword === 'type') {
    return 'a mapping from plant ID to approvers, or nothing';
  }
  if (pointer === '/approvers/approval_policy') {
    return `${PLANT_FORMS}; to set a policy, indent approvers: and approval_policy: under the plant ID`;
  }
  if (pointer.startsWith('/approvers/') && depth === 2 && error.keyword === 'type') {
    return PLANT_FORMS;
  }
  if (/\/(name|email|role)$/.test(pointer) && error.keyword === 'type') {
    return 'text; put quotes around a value such as 123 or true so that YAML reads it as text';
  }
  if (error.keyword === 'additionalProperties' && (error.params as { additionalProperty?: string }).additionalProperty === 'approval_policy') {
    return `name, email, role; approval_policy belongs to the plant, which then needs the mapping form: PLANT001: {approvers: [...], approval_policy: all}`;
  }
  return undefined;
}

/** Reports an e-mail address listed twice for one plant, ignoring letter case, because approvals are matched by it. */
function findDuplicateEmails(document: unknown, source: string, lineOf: LineLookup): Problem[] {
  const problems: Problem[] = [];
  for (const [plantId, plant] of Object.entries(plantsOf(document))) {
    const { list, pointer } = approverListOf(plant, `/approvers/${escapePointerToken(plantId)}`);
    const firstIndex = new Map<string, number>();
    // The schema reports malformed plants and approvers, so this check skips what it cannot read.
    const approvers = Array.isArray(list) ? list : [];
    approvers.forEach((approver: unknown, index) => {
      const email = (approver as { email?: unknown } | null)?.email;
      if (typeof email !== 'string') {
        return;
      }
      const lowerCaseEmail = email.toLowerCase();
      const first = firstIndex.get(lowerCaseEmail);
      if (first === undefined) {
        firstIndex.set(lowerCaseEmail, index);
        return;
      }
      problems.push({
        source,
        location: formatLocation(`${pointer}/${index}/email`, lineOf),
        message: `repeats the e-mail address of ${neutralizeInline(`${pointer}/${first}`, 120)} in plant ${neutralizeInline(plantId, 60)}`,
        value: quote(email),
        allowed: 'each approver once per plant',
      });
    });
  }
  return problems;
}

function plantsOf(document: unknown): Record<string, unknown> {
  const approvers = (document as { approvers?: unknown } | null | undefined)?.approvers;
  return typeof approvers === 'object' && approvers !== null && !Array.isArray(approvers) ? (approvers as Record<string, unknown>) : {};
}

/** Returns a plant's approver list in either form; the schema has checked the shape unless validation failed. */
function approverListOf(plant: unknown, plantPointer: string): { list: Approver[]; pointer: string; policy: ApprovalPolicy } {
  if (Array.isArray(plant)) {
    return { list: plant as Approver[], pointer: plantPointer, policy: 'any' };
  }
  const mapping = (plant ?? {}) as { approvers: Approver[]; approval_policy?: ApprovalPolicy };
  return { list: mapping.approvers, pointer: `${plantPointer}/approvers`, policy: mapping.approval_policy ?? 'any' };
}

function buildConfig(document: unknown): ApproversConfig {
  const config: ApproversConfig = new Map();
  for (const [plantId, plant] of Object.entries(plantsOf(document))) {
    const { list, policy } = approverListOf(plant, '');
    const approvers = list.map(({ name, email, role }) => (role === undefined ? { name, email } : { name, email, role }));
    config.set(plantId, { plantId, approvers, policy });
  }
  return config;
}

/** Turns a js-yaml error into a problem with a 1-based line and column and, for common mistakes, the accepted form. */
function describeYamlError(error: yaml.YAMLException, text: string, source: string): Problem {
  const mark = error.mark as { line: number; column: number } | undefined;
  const line = (mark?.line ?? 0) + 1;
  const column = (mark?.column ?? 0) + 1;
  const location = `${line}:${column}`;
  const lines = text.split(/\r?\n/);
  const lineText = lines[line - 1] ?? '';

  const policyPlant = findPolicyAfterList(lines, line - 1);
  if (policyPlant !== undefined) {
    const plant = neutralizeInline(policyPlant, 60);
    return {
      source,
      location,
      message: `has approval_policy after the list of approvers of ${plant}, but a YAML list cannot also have keys`,
      allowed: `the mapping form ${plant}: {approvers: [{name: ..., email: ...}, ...], approval_policy: all}, written as a block with approvers: and approval_policy: indented under ${plant}`,
    };
  }
  if (/^\s*\t/.test(lineText) || /tab characters/.test(error.reason)) {
    return { source, location, message: 'uses a tab for indentation, which YAML does not allow', allowed: 'spaces for indentation, for example two per level' };
  }
  if (error.reason === 'duplicated mapping key') {
    // js-yaml marks the start of the repeated key, so the key is the text up to its colon.
    const key = /^\s*(?:-\s+)?(["']?)([^"':]+)\1\s*:/.exec(lineText.slice(column - 1))?.[2];
    const which = key === undefined ? 'a key' : `the key ${quote(key.trim())}`;
    return { source, location, message: `repeats ${which} of the same mapping, for example a plant listed twice`, allowed: 'each key once: merge the two entries' };
  }
  return {
    source,
    location,
    message: `is invalid YAML: ${neutralizeInline(error.reason ?? 'syntax error', 200)}`,
    allowed: 'approvers: with one key per plant, each a list of {name, email, role}',
  };
}

/**
 * Recognizes `approval_policy:` written after a plant's list items, a common mistake because
 * it reads naturally but is invalid YAML. Returns the plant ID when line `index` is such a key: a list item with the
 * same indentation comes before it, under a plant key with less indentation.
 */
function findPolicyAfterList(lines: string[], index: number): string | undefined {
  const policy = /^( *)approval_policy\s*:/.exec(lines[index] ?? '');
  if (policy === null) {
    return undefined;
  }
  const indent = policy[1].length;
  let sawListItem = false;
  for (let previous = index - 1; previous >= 0; previous -= 1) {
    const current = lines[previous];
    if (/^\s*(#.*)?$/.test(current)) {
      continue;
    }
    const currentIndent = /^ */.exec(current)?.[0].length ?? 0;
    if (currentIndent === indent && current.slice(indent).startsWith('-')) {
      sawListItem = true;
      continue;
    }
    if (currentIndent < indent) {
      const key = /^\s*("[^"]*"|'[^']*'|[^:#]+?)\s*:\s*(#.*)?$/.exec(current);
      return sawListItem && key !== null ? key[1].replace(/^["']|["']$/g, '') : undefined;
    }
  }
  return undefined;
}
