/**
 * A syntax check of JSON text that keeps what `JSON.parse` throws away: the line of every value
 * and every key that appears twice in one object. `JSON.parse` keeps only the last of two equal
 * keys, so a second `"PLANT001:model:5": "approved"` further down would silently win.
 */

/** A key that appears more than once in the same JSON object. */
export interface DuplicateKey {
  /** JSON pointer of the object that contains the key twice. */
  objectPointer: string;
  key: string;
  firstLine: number;
  duplicateLine: number;
}

/** The first syntax error of a text, with 1-based line and column. */
export interface JsonSyntaxError {
  message: string;
  offset: number;
  line: number;
  column: number;
}

export interface JsonScan {
  /** 1-based line where each value starts, by JSON pointer (a member's line is the line of its key). */
  lines: Map<string, number>;
  duplicates: DuplicateKey[];
  syntaxError?: JsonSyntaxError;
}

/** Escapes one reference token of a JSON pointer (RFC 6901). */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Converts an offset in `text` to a 1-based line and column. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let index = 0; index < end; index += 1) {
    if (text.charCodeAt(index) === 0x0a) {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

class ScanFailure extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

interface ObjectFrame {
  kind: 'object';
  pointer: string;
  keyLines: Map<string, number>;
}

interface ArrayFrame {
  kind: 'array';
  pointer: string;
  index: number;
}

type Frame = ObjectFrame | ArrayFrame;

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const LITERAL = /true|false|null/y;

/**
 * Scans `text` as one JSON value (RFC 8259) and returns value lines, duplicate keys and the first
 * syntax error. The scanner keeps its own stack instead of recursing, so deeply nested input
 * cannot overflow the call stack.
 */
export function scanJson(text: string): JsonScan {
  const scanner = new Scanner(text);
  try {
    scanner.run();
  } catch (error) {
    if (!(error instanceof ScanFailure)) {
      throw error;
    }
    const { line, column } = lineAndColumn(text, error.offset);
    return {
      lines: scanner.lines,
      duplicates: scanner.duplicates,
      syntaxError: { message: error.message, offset: error.offset, line, column },
    };
  }
  return { lines: scanner.lines, duplicates: scanner.duplicates };
}

class Scanner {
  readonly lines = new Map<string, number>();
  readonly duplicates: DuplicateKey[] = [];
  private position = 0;
  private line = 1;
  private readonly frames: Frame[] = [];

  constructor(private readonly text: string) {}

  run(): void {
    let mode: 'value' | 'key' | 'after' = 'value';
    let pointer = '';
    this.lines.set('', 1);

    for (;;) {
      if (mode === 'value') {
        this.skipWhitespace();
        if (!this.lines.has(pointer)) {
          this.lines.set(pointer, this.line);
        }
        mode = this.readValue(pointer);
        if (mode === 'key') {
          continue;
        }
        if (mode === 'value') {
          pointer = `${pointer}/0`;
        }
        continue;
      }

      const frame = this.frames[this.frames.length - 1];
      if (mode === 'key') {
        pointer = this.readKey(frame as ObjectFrame);
        mode = 'value';
        continue;
      }

      this.skipWhitespace();
      if (frame === undefined) {
        if (this.position < this.text.length) {
          this.fail('Unexpected text after the end of the JSON value');
        }
        return;
      }
      const char = this.text[this.position];
      if (char === ',') {
        this.position += 1;
        if (frame.kind === 'object') {
          mode = 'key';
        } else {
          frame.index += 1;
          pointer = `${frame.pointer}/${frame.index}`;
          mode = 'value';
        }
      } else if (frame.kind === 'object' && char === '}') {
        this.position += 1;
        this.frames.pop();
      } else if (frame.kind === 'array' && char === ']') {
        this.position += 1;
        this.frames.pop();
      } else if (char === undefined) {
        this.fail(`Unexpected end of the file: an ${frame.kind} is not closed`);
      } else {
        const expected = frame.kind === 'object' ? "',' or '}' after a property value" : "',' or ']' after an array element";
        this.fail(`Expected ${expected}, found ${describeChar(char)}`);
      }
    }
  }

  /** Reads a value that starts at the current position and returns what the scanner expects next. */
  private readValue(pointer: string): 'value' | 'key' | 'after' {
    const char = this.text[this.position];
    switch (char) {
      case '{':
        this.position += 1;
        this.frames.push({ kind: 'object', pointer, keyLines: new Map() });
        this.skipWhitespace();
        if (this.text[this.position] === '}') {
          this.position += 1;
          this.frames.pop();
          return 'after';
        }
        return 'key';
      case '[':
        this.position += 1;
        this.frames.push({ kind: 'array', pointer, index: 0 });
        this.skipWhitespace();
        if (this.text[this.position] === ']') {
          this.position += 1;
          this.frames.pop();
          return 'after';
        }
        return 'value';
      case '"':
        this.readString();
        return 'after';
      case undefined:
        this.fail('Unexpected end of the file: a value is missing');
        break;
      default:
        if (char === '-' || (char >= '0' && char <= '9')) {
          this.readToken(NUMBER, 'Invalid number');
        } else if (char === 't' || char === 'f' || char === 'n') {
          this.readToken(LITERAL, 'Invalid literal; JSON accepts only true, false and null');
        } else {
          this.failOnUnexpected(char, 'a value');
        }
    }
    return 'after';
  }

  /** Reads `"key":` in the object on top of the stack, records duplicates and returns the member's pointer. */
  private readKey(frame: ObjectFrame): string {
    this.skipWhitespace();
    const char = this.text[this.position];
    if (char !== '"') {
      if (char === '}') {
        this.fail("A trailing comma before '}' is not allowed in JSON");
      }
      this.failOnUnexpected(char, 'a double-quoted property name');
    }
    const keyLine = this.line;
    const key = this.readString();
    const firstLine = frame.keyLines.get(key);
    if (firstLine === undefined) {
      frame.keyLines.set(key, keyLine);
    } else {
      this.duplicates.push({ objectPointer: frame.pointer, key, firstLine, duplicateLine: keyLine });
    }

    this.skipWhitespace();
    if (this.text[this.position] !== ':') {
      this.failOnUnexpected(this.text[this.position], "':' after the property name");
    }
    this.position += 1;
    const pointer = `${frame.pointer}/${escapePointerToken(key)}`;
    // The line of a member is the line of its key, which is what an editor jumps to.
    this.lines.set(pointer, keyLine);
    return pointer;
  }

  private readString(): string {
    const start = this.position;
    this.position += 1;
    for (;;) {
      const code = this.text.charCodeAt(this.position);
      if (Number.isNaN(code)) {
        this.fail('Unexpected end of the file inside a string', start);
      }
      if (code === 0x22) {
        this.position += 1;
        return JSON.parse(this.text.slice(start, this.position)) as string;
      }
      if (code < 0x20) {
        this.fail('Line breaks and control characters must be escaped inside a JSON string');
      }
      if (code === 0x5c) {
        const escape = this.text[this.position + 1];
        if (escape === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.position + 2, this.position + 6))) {
            this.fail('Invalid \\u escape; it needs four hexadecimal digits');
          }
          this.position += 6;
          continue;
        }
        if (escape === undefined || !'"\\/bfnrt'.includes(escape)) {
          this.fail('Invalid escape sequence in a string');
        }
        this.position += 2;
        continue;
      }
      this.position += 1;
    }
  }

  private readToken(pattern: RegExp, message: string): void {
    pattern.lastIndex = this.position;
    const match = pattern.exec(this.text);
    if (match === null) {
      this.fail(message);
    }
    this.position += match[0].length;
    const next = this.text[this.position];
    if (next !== undefined && /[0-9A-Za-z_.+-]/.test(next)) {
      this.fail(message);
    }
  }

  private skipWhitespace(): void {
    for (;;) {
      const char = this.text[this.position];
      if (char === '\n') {
        this.line += 1;
      } else if (char !== ' ' && char !== '\t' && char !== '\r') {
        return;
      }
      this.position += 1;
    }
  }

  private failOnUnexpected(char: string | undefined, expected: string): never {
    if (char === undefined) {
      this.fail(`Unexpected end of the file; expected ${expected}`);
    }
    if (char === '/') {
      this.fail('Comments are not allowed in JSON');
    }
    if (char === "'") {
      this.fail('Strings and property names must use double quotes in JSON');
    }
    if (char === ']' && expected === 'a value' && this.previousSignificantChar() === ',') {
      this.fail("A trailing comma before ']' is not allowed in JSON");
    }
    this.fail(`Expected ${expected}, found ${describeChar(char)}`);
  }

  private previousSignificantChar(): string | undefined {
    let index = this.position - 1;
    while (index >= 0 && /\s/.test(this.text[index])) {
      index -= 1;
    }
    return this.text[index];
  }

  private fail(message: string, offset = this.position): never {
    throw new ScanFailure(offset, message);
  }
}

function describeChar(char: string): string {
  return JSON.stringify(char);
}
