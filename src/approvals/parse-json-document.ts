import type { Problem } from '../errors';
import { quote } from '../text/neutralize';
import { escapePointerToken, lineAndColumn, scanJson, type JsonScan } from './scan-json';
import { formatLocation, type LineLookup } from './schema-problems';

/** A JSON file parsed for validation: its value, the line of every value and the problems found so far. */
export interface JsonDocument {
  value: unknown;
  lineOf: LineLookup;
  problems: Problem[];
}

/**
 * Parses JSON text written by people. A UTF-8 byte-order mark is dropped, and CRLF line ends
 * are whitespace to JSON anyway. Returns `undefined` as the value when the text is empty or not
 * JSON, with one problem that gives the location. Keys that appear twice in one object become
 * problems, because `JSON.parse` would keep only the last of them.
 */
export function parseJsonDocument(rawText: string, source: string, emptyHint: string): JsonDocument {
  const text = rawText.startsWith('\uFEFF') ? rawText.slice(1) : rawText;
  if (text.trim() === '') {
    return {
      value: undefined,
      lineOf: () => undefined,
      problems: [{ source, location: '', message: 'The file is empty; it must contain a JSON object', allowed: emptyHint }],
    };
  }

  const scan = scanJson(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { value: undefined, lineOf: () => undefined, problems: [syntaxProblem(text, source, scan, error)] };
  }

  const lineOf: LineLookup = (pointer) => scan.lines.get(pointer);
  // NOTE: of two equal keys only the last value reaches schema validation, because JSON.parse
  // keeps only that one. The duplicate is still reported, so the file fails either way.
  const problems = scan.duplicates.map(({ objectPointer, key, firstLine, duplicateLine }) => ({
    source,
    location: formatLocation(`${objectPointer}/${escapePointerToken(key)}`, () => duplicateLine),
    message: `has the key ${quote(key)} twice, on lines ${firstLine} and ${duplicateLine}; JSON parsers keep only the last one`,
    allowed: 'each key once: remove or merge one of the two entries',
  }));
  return { value, lineOf, problems };
}

/**
 * Locates a JSON syntax error. The scanner's position is preferred because Node 20 omits the
 * position from some `JSON.parse` messages (for example "Unexpected token '}'"). The position in
 * Node's message is the fallback should the two ever disagree about whether the text is valid.
 */
function syntaxProblem(text: string, source: string, scan: JsonScan, error: unknown): Problem {
  const nodeMessage = error instanceof Error ? error.message : String(error);
  if (scan.syntaxError !== undefined) {
    const { line, column, message } = scan.syntaxError;
    return { source, location: `${line}:${column}`, message: `is invalid JSON: ${message}` };
  }
  const position = /at position (\d+)/.exec(nodeMessage);
  const offset = position === null ? text.length : Number(position[1]);
  const { line, column } = lineAndColumn(text, offset);
  return { source, location: `${line}:${column}`, message: `is invalid JSON: ${quote(nodeMessage)}` };
}
