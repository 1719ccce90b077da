import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';

import registeredModelsSchema from '../../schemas/registered_models.schema.json';
import { parseJsonDocument } from '../approvals/parse-json-document';
import { formatLocation, schemaErrorsToProblems, sortByLine, type LineLookup } from '../approvals/schema-problems';
import { InputError, ModelsFileError, type Problem } from '../errors';
import { neutralizeInline, quote } from '../text/neutralize';
import { approvalKey, type RegisteredModel } from './registered-model';

const PATTERN_EXAMPLE = '^(plant\\d+)-';

let compiledValidator: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiledValidator === undefined) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, allowUnionTypes: true });
    compiledValidator = ajv.compile(registeredModelsSchema);
  }
  return compiledValidator;
}

/**
 * Compiles the `plantIdPattern` input. Throws `InputError` when the text is not a valid
 * JavaScript regular expression or does not have exactly one capture group, because the
 * plant ID is that group's match.
 */
export function compilePlantIdPattern(pattern: string): RegExp {
  const problem = (message: string): InputError =>
    new InputError([
      {
        source: 'plantIdPattern',
        location: '',
        message,
        value: quote(pattern),
        allowed: `a JavaScript regular expression with exactly one capture group, matched against model_name, for example ${PATTERN_EXAMPLE}`,
      },
    ]);

  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern);
  } catch (error) {
    throw problem(`is an invalid regular expression: ${neutralizeInline(error instanceof Error ? error.message : String(error))}`);
  }
  // An alternative that matches the empty string makes exec return one slot per capture group.
  const groups = (new RegExp(`${pattern}|`).exec('')?.length ?? 1) - 1;
  if (groups !== 1) {
    throw problem(`has ${groups} capture groups instead of exactly 1; use (?:...) for groups that are not the plant ID`);
  }
  return compiled;
}

/**
 * Parses and validates registered_models.json, the models of this run. A number version becomes
 * its decimal text. A model without `plant_id` gets the upper-cased capture of `plantIdPattern`
 * on its name. Throws `ModelsFileError` listing every problem, including a plant, model and
 * version registered twice.
 */
export function parseModelsFile(text: string, source: string, options: { plantIdPattern?: RegExp }): RegisteredModel[] {
  const document = parseJsonDocument(text, source, '{"models": [{"plant_id": "PLANT001", "model_name": "plant001-circuit01-model", "version": "5"}]}');
  if (document.value === undefined) {
    throw new ModelsFileError(source, document.problems);
  }

  const problems: Problem[] = [...document.problems];
  const validate = validator();
  const valid = validate(document.value);
  if (!valid) {
    problems.push(...schemaErrorsToProblems(validate.errors ?? [], { source, lineOf: document.lineOf, allowedAt: describeAllowed }));
  }

  // Plant IDs and duplicates are checked even when the schema failed, so that one run reports
  // every problem. Entries whose shape is wrong are left to the schema problems.
  const rawModels = (document.value as { models?: unknown } | null)?.models;
  const entries = Array.isArray(rawModels) ? (rawModels as unknown[]) : [];
  const models: IndexedModel[] = [];
  entries.forEach((value, index) => {
    if (!hasModelShape(value)) {
      return;
    }
    const entry = value;
    const plantId = entry.plant_id ?? derivePlantId(entry.model_name, index, options.plantIdPattern, source, document.lineOf, problems);
    if (plantId !== undefined) {
      models.push({ index, model: toRegisteredModel(entry, plantId) });
    }
  });
  problems.push(...findDuplicates(models, source, document.lineOf));

  if (problems.length > 0) {
    throw new ModelsFileError(source, sortByLine(problems));
  }
  return models.map(({ model }) => model);
}

/** A model with its position in the `models` array, for error locations. */
interface IndexedModel {
  index: number;
  model: RegisteredModel;
}

interface RawModel {
  plant_id?: string;
  model_name: string;
  version: string | number;
  path?: string;
  tags?: Record<string, string>;
  metrics?: Record<string, number>;
}

function hasModelShape(value: unknown): value is RawModel {
  if (typeof value !== 'object' || value === null) {
    return false;
  }
  const { plant_id: plantId, model_name: modelName, version } = value as Record<string, unknown>;
  return (plantId === undefined || typeof plantId === 'string') && typeof modelName === 'string' && (typeof version === 'string' || typeof version === 'number');
}

function describeAllowed(pointer: string, error: ErrorObject): string | undefined {
  if (pointer === '' && error.keyword === 'type') {
    return '{"models": [...]}';
  }
  if (/^\/models\/\d+\/version$/.test(pointer) && error.keyword !== 'pattern') {
    return 'a non-negative integer such as 5, or text such as "v2"';
  }
  return undefined;
}

/** Derives a plant ID from a model name, or records why it cannot and returns `undefined`. */
function derivePlantId(modelName: string, index: number, pattern: RegExp | undefined, source: string, lineOf: LineLookup, problems: Problem[]): string | undefined {
  const location = formatLocation(`/models/${index}`, lineOf);
  const model = quote(modelName);
  if (pattern === undefined) {
    problems.push({
      source,
      location,
      message: `has no plant_id, and the plantIdPattern input is empty, so the plant of model ${model} is unknown`,
      allowed: `a "plant_id" on the model, or a plantIdPattern input such as ${PATTERN_EXAMPLE} that captures the plant from the model name`,
    });
    return undefined;
  }

  // A global or sticky pattern would continue from the previous match, so a fresh copy runs once.
  const capture = new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, '')).exec(modelName)?.[1];
  if (capture === undefined || capture === '') {
    problems.push({
      source,
      location,
      message: `has no plant_id, and plantIdPattern ${quote(pattern.source)} captures no plant ID from model ${model}`,
      allowed: 'a "plant_id" on the model, or a plantIdPattern whose capture group matches a non-empty part of every model name',
    });
    return undefined;
  }

  const plantId = capture.toUpperCase();
  if (!/^[^:\s\p{Cc}](?:[^:\p{Cc}]*[^:\s\p{Cc}])?$/u.test(plantId)) {
    problems.push({
      source,
      location,
      message: `has a plant ID derived by plantIdPattern from model ${model} that is invalid`,
      value: quote(plantId),
      allowed: "a capture without ':', control characters or spaces at either end",
    });
    return undefined;
  }
  return plantId;
}

function toRegisteredModel(entry: RawModel, plantId: string): RegisteredModel {
  const model: RegisteredModel = {
    plantId,
    modelName: entry.model_name,
    version: String(entry.version),
    tags: { ...(entry.tags ?? {}) },
    metrics: { ...(entry.metrics ?? {}) },
  };
  if (entry.path !== undefined) {
    model.path = entry.path;
  }
  return model;
}

/** Reports a plant, model and version listed twice; `5` and `"5"` count as the same version. */
function findDuplicates(models: IndexedModel[], source: string, lineOf: LineLookup): Problem[] {
  const problems: Problem[] = [];
  const firstIndex = new Map<string, number>();
  models.forEach(({ model, index }) => {
    const key = approvalKey(model);
    const first = firstIndex.get(key);
    if (first === undefined) {
      firstIndex.set(key, index);
      return;
    }
    problems.push({
      source,
      location: formatLocation(`/models/${index}`, lineOf),
      message: `registers the same plant, model and version as /models/${first}`,
      value: quote(key),
      allowed: 'each plant, model and version once',
    });
  });
  return problems;
}
