/**
 * A secret string, such as a bearer token, that `String()`, template literals, `JSON.stringify`
 * and `util.inspect` show as `***`. Only `reveal()` returns the value.
 */
export class SecretText {
  readonly #value: string;
  readonly #parts: readonly string[];

  /** @param parts Secrets contained in `value`, such as the token inside `Bearer <token>`, which need masking on their own. */
  constructor(value: string, parts: readonly string[] = []) {
    this.#value = value;
    this.#parts = parts;
  }

  reveal(): string {
    return this.#value;
  }

  /** Returns the value and its secret parts, for `setSecret`. */
  valuesToMask(): string[] {
    return [this.#value, ...this.#parts].filter((value) => value !== '');
  }

  toString(): string {
    return '***';
  }

  toJSON(): string {
    return '***';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SecretText(***)';
  }
}
