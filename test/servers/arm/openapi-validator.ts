import * as fs from 'node:fs';
import * as path from 'node:path';

import Ajv from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';

/**
 * Validates requests and responses against the saved Azure Machine Learning OpenAPI 2.0
 * specification (api-version 2024-04-01). The specification follows AutoRest semantics, where
 * `allOf` plus `additionalProperties: false` on both base and child means "inherit the base's
 * properties". A plain JSON Schema validator would reject the specification's own examples, so
 * `allOf` is merged into the schema before compiling.
 */

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'body' | 'header';
  required?: boolean;
  type?: string;
  pattern?: string;
  enum?: string[];
  minLength?: number;
  maxLength?: number;
  schema?: Json;
}

interface Operation {
  method: string;
  template: string;
  operationId: string;
  matcher: RegExp;
  pathNames: string[];
  parameters: Parameter[];
  body?: ValidateFunction;
  responses: Map<string, ValidateFunction | undefined>;
}

export interface MatchedOperation {
  operationId: string;
  pathParameters: Record<string, string>;
  /** Problems with the request; empty when it follows the specification. */
  problems: string[];
}

/** Finds the saved specification folder: `../shared/specs/azureml` beside the repository root. */
export function findSpecRoot(repoRoot: string): string {
  const candidate = path.resolve(repoRoot, '..', 'shared', 'specs', 'azureml');
  if (!fs.existsSync(path.join(candidate, 'SOURCE.md'))) {
    throw new Error(`The Azure ML OpenAPI specification is missing: expected ${candidate}/SOURCE.md. Clone the shared folder beside the repository.`);
  }
  return candidate;
}

export class OpenApiValidator {
  private readonly operations: Operation[] = [];
  private readonly documents = new Map<string, Json>();
  private readonly ajv: Ajv;
  private readonly resolving = new Set<string>();

  constructor(specRoot: string, specFiles: string[]) {
    this.ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
    for (const format of ['int32', 'int64', 'duration', 'uuid', 'date-time', 'uri', 'unixtime', 'arm-id', 'password', 'byte', 'float', 'double', 'url']) {
      this.ajv.addFormat(format, true);
    }
    for (const file of specFiles) {
      this.loadOperations(path.join(specRoot, file));
    }
  }

  /** Matches a request to an operation of the specification and checks its path, query and body. */
  matchRequest(method: string, url: URL, body: unknown): MatchedOperation | undefined {
    const operation = this.operations.find((candidate) => candidate.method === method.toLowerCase() && candidate.matcher.test(url.pathname));
    if (!operation) {
      return undefined;
    }
    const problems: string[] = [];
    const match = operation.matcher.exec(url.pathname);
    const pathParameters: Record<string, string> = {};
    operation.pathNames.forEach((name, index) => {
      pathParameters[name] = decodeURIComponent(match?.[index + 1] ?? '');
    });

    for (const parameter of operation.parameters) {
      if (parameter.in === 'path') {
        problems.push(...checkSimple(parameter, pathParameters[parameter.name]));
      } else if (parameter.in === 'query') {
        const value = url.searchParams.get(parameter.name);
        if (value === null) {
          if (parameter.required) {
            problems.push(`query parameter ${parameter.name} is required`);
          }
        } else {
          problems.push(...checkSimple(parameter, value));
        }
      } else if (parameter.in === 'body') {
        if (body === undefined) {
          if (parameter.required) {
            problems.push('the request body is required');
          }
        } else if (operation.body && !operation.body(body)) {
          problems.push(`request body: ${this.ajv.errorsText(operation.body.errors)}`);
        }
      }
    }
    const known = new Set(operation.parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name));
    for (const name of url.searchParams.keys()) {
      if (!known.has(name)) {
        problems.push(`query parameter ${name} is not in the specification of ${operation.operationId}`);
      }
    }
    return { operationId: operation.operationId, pathParameters, problems };
  }

  /** Checks a response body against the schema of its status code (or `default`); returns the problems. */
  checkResponse(operationId: string, status: number, body: unknown): string[] {
    const operation = this.operations.find((candidate) => candidate.operationId === operationId);
    if (!operation) {
      return [`unknown operation ${operationId}`];
    }
    const key = operation.responses.has(String(status)) ? String(status) : 'default';
    if (!operation.responses.has(key)) {
      return [`${operationId} has no response ${status} in the specification`];
    }
    const validate = operation.responses.get(key);
    if (!validate) {
      return body === undefined ? [] : [`${operationId} response ${status} has no body in the specification`];
    }
    return validate(body) ? [] : [`${operationId} response ${status}: ${this.ajv.errorsText(validate.errors)}`];
  }

  private loadOperations(file: string): void {
    const document = this.document(file);
    const paths = document.paths as Record<string, Record<string, Json>>;
    for (const [template, item] of Object.entries(paths)) {
      for (const [method, raw] of Object.entries(item)) {
        if (method === 'parameters') {
          continue;
        }
        const parameters = ((raw.parameters as Json[]) ?? []).map((parameter) => this.resolve(parameter, file).value as unknown as Parameter);
        const bodyParameter = parameters.find((parameter) => parameter.in === 'body');
        const responses = new Map<string, ValidateFunction | undefined>();
        for (const [status, response] of Object.entries(raw.responses as Record<string, Json>)) {
          const schema = response.schema as Json | undefined;
          responses.set(status, schema ? this.compile(schema, file) : undefined);
        }
        const pathNames: string[] = [];
        const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_match, name: string) => {
          pathNames.push(name);
          return '([^/]+)';
        });
        this.operations.push({
          method,
          template,
          operationId: String(raw.operationId),
          matcher: new RegExp(`^${pattern}$`),
          pathNames,
          parameters,
          body: bodyParameter?.schema ? this.compile(bodyParameter.schema, file) : undefined,
          responses,
        });
      }
    }
  }

  private compile(schema: Json, file: string): ValidateFunction {
    return this.ajv.compile(this.toJsonSchema(schema, file));
  }

  /**
   * Turns a Swagger 2.0 schema into a self-contained JSON Schema: `$ref`s inlined, `allOf`
   * merged, `x-nullable` turned into a `null` type. A reference that is already being
   * inlined (the recursive `ErrorDetail.details`) becomes `{}`, which accepts anything.
   */
  private toJsonSchema(schema: Json, file: string): Json {
    if (typeof schema.$ref === 'string') {
      const key = `${file}#${schema.$ref}`;
      if (this.resolving.has(key)) {
        return {};
      }
      this.resolving.add(key);
      try {
        const target = this.resolve(schema, file);
        return this.toJsonSchema(target.value, target.file);
      } finally {
        this.resolving.delete(key);
      }
    }

    const result: Json = {};
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'allOf' || key === 'properties' || key === 'items' || key === 'additionalProperties' || key.startsWith('x-') || key === 'readOnly' || key === 'discriminator' || key === 'example') {
        continue;
      }
      result[key] = value;
    }

    const properties: Record<string, Json> = {};
    const required = new Set<string>((schema.required as string[] | undefined) ?? []);
    for (const base of (schema.allOf as Json[] | undefined) ?? []) {
      const flattened = this.toJsonSchema(base, file);
      Object.assign(properties, (flattened.properties as Record<string, Json> | undefined) ?? {});
      for (const name of (flattened.required as string[] | undefined) ?? []) {
        required.add(name);
      }
    }
    for (const [name, property] of Object.entries((schema.properties as Record<string, Json> | undefined) ?? {})) {
      properties[name] = this.toJsonSchema(property, file);
    }
    if (Object.keys(properties).length > 0) {
      result.properties = properties;
    }
    if (required.size > 0) {
      result.required = [...required];
    }
    if (schema.items) {
      result.items = this.toJsonSchema(schema.items as Json, file);
    }
    if (typeof schema.additionalProperties === 'object' && schema.additionalProperties !== null) {
      result.additionalProperties = this.toJsonSchema(schema.additionalProperties as Json, file);
    } else if (schema.additionalProperties === false) {
      result.additionalProperties = false;
    }
    if (schema['x-nullable'] === true && typeof result.type === 'string') {
      result.type = [result.type, 'null'];
    }
    if (Array.isArray(result.enum) && schema['x-nullable'] === true) {
      result.enum = [...(result.enum as unknown[]), null];
    }
    return result;
  }

  private resolve(node: Json, file: string): { value: Json; file: string } {
    if (typeof node.$ref !== 'string') {
      return { value: node, file };
    }
    const [relative, pointer = ''] = node.$ref.split('#');
    const targetFile = relative ? path.resolve(path.dirname(file), relative) : file;
    let value: unknown = this.document(targetFile);
    for (const part of pointer.split('/').filter(Boolean)) {
      value = (value as Json)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    }
    if (value === undefined) {
      throw new Error(`Unresolvable $ref ${node.$ref} in ${file}`);
    }
    return this.resolve(value as Json, targetFile);
  }

  private document(file: string): Json {
    let document = this.documents.get(file);
    if (!document) {
      document = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
      this.documents.set(file, document);
    }
    return document;
  }
}

function checkSimple(parameter: Parameter, value: string | undefined): string[] {
  if (value === undefined || value === '') {
    return parameter.required ? [`${parameter.in} parameter ${parameter.name} is required`] : [];
  }
  const problems: string[] = [];
  if (parameter.pattern && !new RegExp(parameter.pattern).test(value)) {
    problems.push(`${parameter.in} parameter ${parameter.name}=${JSON.stringify(value)} does not match ${parameter.pattern}`);
  }
  if (parameter.enum && !parameter.enum.includes(value)) {
    problems.push(`${parameter.in} parameter ${parameter.name}=${JSON.stringify(value)} is not one of ${parameter.enum.join(', ')}`);
  }
  if (parameter.minLength !== undefined && value.length < parameter.minLength) {
    problems.push(`${parameter.in} parameter ${parameter.name} is shorter than ${parameter.minLength}`);
  }
  if (parameter.maxLength !== undefined && value.length > parameter.maxLength) {
    problems.push(`${parameter.in} parameter ${parameter.name} is longer than ${parameter.maxLength}`);
  }
  if (parameter.type === 'integer' && !/^-?\d+$/.test(value)) {
    problems.push(`${parameter.in} parameter ${parameter.name}=${JSON.stringify(value)} is not an integer`);
  }
  return problems;
}
