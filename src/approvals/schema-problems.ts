import type { ErrorObject } from 'ajv';

import type { Problem } from '../errors';
import { neutralizeInline, quote } from '../text/neutralize';
import { escapePointerToken } from './scan-json';

/** Function from a JSON pointer to the 1-based line where its value starts, or `undefined` when the line is unknown. */
export type LineLookup = (pointer: string) => number | undefined;

/** Formats a JSON pointer (RFC 6901) and, when known, its line for `Problem.location`. */
export function formatLocation(pointer: string, lineOf: LineLookup): string {
  if (pointer === '') {
    return '';
  }
  const line = lineOf(pointer);
  const displayedPointer = neutralizeInline(pointer);
  return line === undefined ? displayedPointer : `${displayedPointer} (line ${line})`;
}

/** Orders problems by the line in their location, keeping the order of problems without a line or on the same line. */
export function sortByLine(problems: Problem[]): Problem[] {
  const lineOfProblem = (problem: Problem): number => Number(/\(line (\d+)\)$/.exec(problem.location)?.[1] ?? 0);
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => lineOfProblem(a.problem) - lineOfProblem(b.problem) || a.index - b.index)
    .map(({ problem }) => problem);
}

export interface SchemaProblemOptions {
  source: string;
  lineOf: LineLookup;
  /** Returns true for errors the caller reports itself with a more specific message. */
  skip?: (error: ErrorObject) => boolean;
  /** Returns the accepted form for a value at `pointer` when the schema alone cannot word it well. */
  allowedAt?: (pointer: string, error: ErrorObject) => string | undefined;
}

/**
 * Converts Ajv errors (Ajv must run with `allErrors` and `verbose`) into problems that name the
 * JSON pointer, the bad value and the accepted form. The errors of the branches inside an
 * `anyOf` are dropped because the `anyOf` error itself names what is missing, and `if` errors only
 * repeat the errors of their `then` branch.
 */
export function schemaErrorsToProblems(errors: ErrorObject[], options: SchemaProblemOptions): Problem[] {
  const anyOfPaths = errors.filter((error) => error.keyword === 'anyOf').map((error) => `${error.schemaPath}/`);
  const problems: Problem[] = [];
  const seen = new Set<string>();

  for (const error of errors) {
    // A `propertyNames` error only wraps the errors about the key itself, which are reported.
    if (error.keyword === 'if' || error.keyword === 'propertyNames' || options.skip?.(error)) {
      continue;
    }
    if (anyOfPaths.some((path) => error.schemaPath.startsWith(path))) {
      continue;
    }
    const problem = describeError(error, options);
    const identity = `${problem.location}\u0000${problem.message}`;
    if (!seen.has(identity)) {
      seen.add(identity);
      problems.push(problem);
    }
  }
  return problems;
}

function describeError(error: ErrorObject, options: SchemaProblemOptions): Problem {
  // Errors from `propertyNames` concern a key, so they point at the member rather than its object.
  const pointer = error.propertyName === undefined ? error.instancePath : `${error.instancePath}/${escapePointerToken(error.propertyName)}`;
  const base = { source: options.source, location: formatLocation(pointer, options.lineOf) };
  const custom = options.allowedAt?.(pointer, error);
  const parentSchema = (error.parentSchema ?? {}) as { description?: string; properties?: Record<string, unknown> };
  const params = error.params as Record<string, unknown>;

  switch (error.keyword) {
    case 'type':
      return { ...base, message: 'has the wrong type', value: quote(error.data), allowed: custom ?? describeTypes(params.type) };
    case 'enum':
      return {
        ...base,
        message: 'is not an accepted value',
        value: quote(error.data),
        allowed: custom ?? (params.allowedValues as unknown[]).map((value) => String(value)).join(', '),
      };
    case 'required': {
      const missing = String(params.missingProperty);
      return {
        ...base,
        message: `is missing the required property ${quote(missing)}`,
        allowed: custom ?? propertyList(parentSchema.properties),
      };
    }
    case 'additionalProperties': {
      const property = String(params.additionalProperty);
      const childPointer = `${pointer}/${escapePointerToken(property)}`;
      return {
        source: options.source,
        location: formatLocation(childPointer, options.lineOf),
        message: `is an unknown property ${quote(property)}`,
        allowed: custom ?? propertyList(parentSchema.properties),
      };
    }
    case 'minLength':
      return { ...base, message: 'must not be empty', value: quote(error.data), allowed: custom ?? 'non-empty text' };
    case 'pattern':
    case 'format':
      return {
        ...base,
        message: error.propertyName === undefined ? 'is invalid' : 'is an invalid key',
        value: quote(error.data),
        allowed: custom ?? parentSchema.description ?? `${String(params.format ?? params.pattern)}`,
      };
    case 'uniqueItems':
      return {
        ...base,
        message: `lists the same value twice (items ${String(params.j)} and ${String(params.i)})`,
        value: quote((error.data as unknown[])[params.i as number]),
        allowed: custom ?? 'each value once',
      };
    case 'minItems':
      return { ...base, message: `must list at least ${String(params.limit)} item(s)`, value: quote(error.data), allowed: custom };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { ...base, message: `must be ${String(params.comparison)} ${String(params.limit)}`, value: quote(error.data), allowed: custom };
    case 'anyOf':
      return { ...base, message: describeAnyOf(error.schema), value: quote(error.data), allowed: custom ?? parentSchema.description };
    default:
      return { ...base, message: error.message ?? `fails the schema keyword ${error.keyword}`, value: quote(error.data), allowed: custom };
  }
}

function describeTypes(types: unknown): string {
  const names = Array.isArray(types) ? types.map(String) : String(types).split(',');
  return names.map((name) => (name === 'array' || name === 'object' || name === 'integer' ? `an ${name}` : `a ${name}`)).join(' or ');
}

function propertyList(properties: Record<string, unknown> | undefined): string | undefined {
  return properties === undefined ? undefined : Object.keys(properties).join(', ');
}

/** Words `anyOf: [{required: [a]}, {required: [b]}]` as "needs at least one of a, b". */
function describeAnyOf(schema: unknown): string {
  if (Array.isArray(schema)) {
    const required = schema.map((branch: { required?: string[] }) => branch.required);
    if (required.every((names) => Array.isArray(names) && names.length === 1)) {
      return `needs at least one of ${required.map((names) => quote((names as string[])[0])).join(', ')}`;
    }
  }
  return 'does not match any accepted form';
}
