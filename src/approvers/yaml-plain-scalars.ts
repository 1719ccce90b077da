import yaml from 'js-yaml';

/**
 * A plain (unquoted) YAML scalar that the core schema reads as null, a boolean or a number.
 * js-yaml turns mapping keys into strings with `String(key)`, so `toString` returning the source
 * text keeps a key such as `001`, `true` or `1e3` exactly as written. As a value the wrapper
 * keeps the resolved type, so a number where text belongs can be reported instead of being
 * silently turned into text.
 */
export class PlainScalar {
  constructor(
    readonly source: string,
    readonly value: unknown,
  ) {}

  // js-yaml replaces keys whose tag is "[object Object]" by that text, so the wrapper needs its own tag.
  get [Symbol.toStringTag](): string {
    return 'PlainScalar';
  }

  toString(): string {
    return this.source;
  }
}

let schema: yaml.Schema | undefined;

/**
 * Returns the YAML 1.2 core schema of js-yaml 4 with its implicit types (null, bool, int, float)
 * wrapped in `PlainScalar`. Built on the failsafe schema, so it has no timestamps, merge keys or
 * other custom tags: an unknown tag is a YAML error.
 */
export function plainScalarSchema(): yaml.Schema {
  if (schema === undefined) {
    // js-yaml 4 keeps a schema's types in `implicit`; @types/js-yaml 4.0.9 does not declare the field.
    const coreTypes = (yaml.CORE_SCHEMA as unknown as { implicit: (yaml.Type & { tag: string })[] }).implicit;
    const wrapped = coreTypes.map(
      (type) =>
        new yaml.Type(type.tag, {
          kind: 'scalar',
          resolve: (data: string) => type.resolve(data),
          construct: (data: string) => new PlainScalar(data, type.construct(data)),
        }),
    );
    schema = yaml.FAILSAFE_SCHEMA.extend({ implicit: wrapped });
  }
  return schema;
}

/** Upper bound of nodes converted, so that aliases repeated at every level cannot expand exponentially. */
export const MAX_YAML_NODES = 100_000;

/** Raised when a document has more than `MAX_YAML_NODES` nodes once its aliases are expanded. */
export class TooManyNodesError extends Error {
  override name = 'TooManyNodesError';
}

/** Replaces every `PlainScalar` by its resolved value, giving plain JSON data for schema validation. */
export function unwrapPlainScalars(value: unknown): unknown {
  let count = 0;
  const visit = (node: unknown): unknown => {
    count += 1;
    if (count > MAX_YAML_NODES) {
      throw new TooManyNodesError(`more than ${MAX_YAML_NODES} nodes`);
    }
    if (node instanceof PlainScalar) {
      return node.value;
    }
    if (Array.isArray(node)) {
      return node.map(visit);
    }
    if (typeof node === 'object' && node !== null) {
      const result: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) {
        Object.defineProperty(result, key, { value: visit(child), enumerable: true, writable: true, configurable: true });
      }
      return result;
    }
    return node;
  };
  return visit(value);
}
