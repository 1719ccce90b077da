import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

import approvalStatusSchema from '../../schemas/approval_status.schema.json';
import { ApprovalFileError, type Problem } from '../errors';
import { quote } from '../text/neutralize';
import { APPROVAL_STATUSES, type ApprovalEntry, type ApprovalFile, type ApprovalRecord, type ApprovalStatus, type AutoApproveRule } from './approval-file';
import { parseJsonDocument } from './parse-json-document';
import { escapePointerToken } from './scan-json';
import { formatLocation, schemaErrorsToProblems, sortByLine, type LineLookup } from './schema-problems';

/** Top-level keys of approval_status.json that are settings rather than approval entries. */
export const APPROVAL_FILE_SETTINGS = ['$schema', 'auto_approve_plants', 'auto_approve_rules'] as const;

const KEY_FORM = '<PLANT_ID>:<MODEL_NAME>:<VERSION>';
const KEY_PARTS = ['PLANT_ID', 'MODEL_NAME', 'VERSION'] as const;
const ENTRY_FORM = `a status string (${APPROVAL_STATUSES.join(', ')}) or an object {"status": "approved", "approvals": [{"approver": "name@company.com"}]}`;

let compiledValidator: ValidateFunction | undefined;

/** Compiles the schema on first use, so importing this module does no work. */
function validator(): ValidateFunction {
  if (compiledValidator === undefined) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true });
    addFormats(ajv);
    compiledValidator = ajv.compile(approvalStatusSchema);
  }
  return compiledValidator;
}

/**
 * Parses and validates approval_status.json. Throws `ApprovalFileError` listing every problem:
 * syntax errors with line and column, duplicate keys with both lines, malformed keys, unknown
 * settings and values of the wrong type or outside the accepted values.
 */
export function parseApprovalFile(text: string, source: string): ApprovalFile {
  const document = parseJsonDocument(text, source, `{"${KEY_FORM}": "approved"}, or {} for no entries`);
  if (document.value === undefined) {
    throw new ApprovalFileError(source, document.problems);
  }

  const root = document.value;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new ApprovalFileError(source, [
      { source, location: '', message: 'must contain a JSON object at the top level', value: quote(root), allowed: `{"${KEY_FORM}": "approved"}` },
    ]);
  }

  const record = root as Record<string, unknown>;
  const problems: Problem[] = [...document.problems, ...checkTopLevelKeys(record, source, document.lineOf)];
  const validate = validator();
  if (!validate(record)) {
    problems.push(
      ...schemaErrorsToProblems(validate.errors ?? [], {
        source,
        lineOf: document.lineOf,
        skip: isTopLevelKeyError,
        allowedAt: (pointer, error) => (isEntryPointer(pointer) && error.keyword === 'type' ? ENTRY_FORM : undefined),
      }),
    );
  }
  problems.push(...checkRuleBounds(record.auto_approve_rules, source, document.lineOf));

  if (problems.length > 0) {
    throw new ApprovalFileError(source, sortByLine(problems));
  }
  return buildApprovalFile(record);
}

/** Top-level keys are checked in code so that each message can name the part of a key that is wrong. */
function isTopLevelKeyError(error: ErrorObject): boolean {
  return error.instancePath === '' && (error.keyword === 'propertyNames' || error.keyword === 'additionalProperties' || error.propertyName !== undefined);
}

function isEntryPointer(pointer: string): boolean {
  return /^\/[^/]*:[^/]*$/.test(pointer);
}

function checkTopLevelKeys(root: Record<string, unknown>, source: string, lineOf: LineLookup): Problem[] {
  const problems: Problem[] = [];
  for (const key of Object.keys(root)) {
    const location = formatLocation(`/${escapePointerToken(key)}`, lineOf);
    if (!key.includes(':')) {
      if (!(APPROVAL_FILE_SETTINGS as readonly string[]).includes(key)) {
        problems.push({
          source,
          location,
          message: 'is an unknown setting',
          value: quote(key),
          allowed: `the settings ${APPROVAL_FILE_SETTINGS.join(', ')}, or an approval key ${KEY_FORM}`,
        });
      }
      continue;
    }
    const keyProblem = describeKeyProblem(key);
    if (keyProblem !== undefined) {
      problems.push({ source, location, message: keyProblem, value: quote(key), allowed: `${KEY_FORM} with three non-empty parts, for example "PLANT001:plant001-circuit01-model:5"` });
    }
  }
  return problems;
}

/** Names key parts for a message: "the VERSION part", "the PLANT_ID, MODEL_NAME and VERSION parts". */
function describeParts(names: readonly string[]): string {
  if (names.length === 1) {
    return `the ${names[0]} part`;
  }
  return `the ${names.slice(0, -1).join(', ')} and ${names[names.length - 1]} parts`;
}

/** Returns what is wrong with an approval key, or `undefined` when it is well formed. */
function describeKeyProblem(key: string): string | undefined {
  const parts = key.split(':');
  if (parts.length !== 3) {
    return `is a malformed approval key: it has ${parts.length} parts separated by ':' instead of 3`;
  }
  const empty = KEY_PARTS.filter((_name, index) => parts[index] === '');
  if (empty.length > 0) {
    return `is a malformed approval key: ${describeParts(empty)} ${empty.length === 1 ? 'is' : 'are'} empty`;
  }
  const padded = KEY_PARTS.filter((_name, index) => parts[index] !== parts[index].trim());
  if (padded.length > 0) {
    return `is a malformed approval key: ${describeParts(padded)} ${padded.length === 1 ? 'has spaces at its' : 'have spaces at their'} start or end; remove them`;
  }
  const control = KEY_PARTS.filter((_name, index) => /\p{Cc}/u.test(parts[index]));
  if (control.length > 0) {
    return `is a malformed approval key: ${describeParts(control)} ${control.length === 1 ? 'contains' : 'contain'} a control character such as a tab or line break`;
  }
  return undefined;
}

/** Reports metric rules whose min is greater than max, a check that JSON Schema cannot express. */
function checkRuleBounds(rules: unknown, source: string, lineOf: LineLookup): Problem[] {
  if (!Array.isArray(rules)) {
    return [];
  }
  const problems: Problem[] = [];
  rules.forEach((rule: unknown, index) => {
    const { min, max } = (rule ?? {}) as { min?: unknown; max?: unknown };
    if (typeof min === 'number' && typeof max === 'number' && min > max) {
      problems.push({
        source,
        location: formatLocation(`/auto_approve_rules/${index}`, lineOf),
        message: `has min ${min} greater than max ${max}, so no model can pass it`,
        value: quote(rule),
        allowed: 'min less than or equal to max',
      });
    }
  });
  return problems;
}

/** Builds the typed file from a root object that passed validation. Optional fields that are absent stay absent. */
function buildApprovalFile(root: Record<string, unknown>): ApprovalFile {
  const entries = new Map<string, ApprovalEntry>();
  for (const [key, value] of Object.entries(root)) {
    if (!key.includes(':')) {
      continue;
    }
    const [plantId, modelName, version] = key.split(':');
    if (typeof value === 'string') {
      entries.set(key, { key, plantId, modelName, version, status: value as ApprovalStatus });
      continue;
    }
    const object = value as { status: ApprovalStatus; approvals?: ApprovalRecord[] };
    const entry: ApprovalEntry = { key, plantId, modelName, version, status: object.status };
    if (object.approvals !== undefined) {
      entry.approvals = object.approvals.map((record) => withoutUndefined({ approver: record.approver, at: record.at, comment: record.comment }));
    }
    entries.set(key, entry);
  }

  const rules = (root.auto_approve_rules as AutoApproveRule[] | undefined) ?? [];
  return {
    autoApprovePlants: [...((root.auto_approve_plants as string[] | undefined) ?? [])],
    autoApproveRules: rules.map((rule) => withoutUndefined({ metric: rule.metric, min: rule.min, max: rule.max, plants: rule.plants === undefined ? undefined : [...rule.plants] })),
    entries,
  };
}

/** Copies an object without its `undefined` properties, so that absent optional fields stay absent. */
function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
