/**
 * A secret string, such as a bearer token, that cannot leak by accident: `String()`, template
 * literals, `JSON.stringify` and `util.inspect` all show `***`. Only `reveal()` returns the value.
 */
export class SecretText {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
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
