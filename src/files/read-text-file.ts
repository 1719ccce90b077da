import { readFile } from 'node:fs/promises';

/** The content of an input file, as bytes (hashed for the result file) and as decoded text. */
export interface TextFile {
  path: string;
  text: string;
  bytes: Buffer;
}

/**
 * Reads a text file, or returns undefined when it does not exist; any other read error is thrown.
 * The text is UTF-8, or UTF-16 when the file starts with a UTF-16 byte-order mark, as files
 * written by Windows PowerShell 5.1's `Out-File` do. Bytes that are not valid UTF-8 throw
 * instead of becoming U+FFFD, so a key or name in another encoding never silently fails to match.
 */
export async function readTextFileIfExists(filePath: string): Promise<TextFile | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(filePath);
  } catch (error) {
    if (isNodeError(error) && error.code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
  return { path: filePath, text: decodeText(bytes), bytes };
}

function decodeText(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return bytes.toString('utf16le');
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff && bytes.length % 2 === 0) {
    return Buffer.from(bytes).swap16().toString('utf16le');
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    // The lenient decoder turns the first invalid byte into U+FFFD, which gives its line and column.
    const lossy = bytes.toString('utf8');
    const index = lossy.indexOf('\uFFFD');
    const line = lossy.slice(0, index).split('\n').length;
    const column = index - lossy.lastIndexOf('\n', index - 1);
    throw new Error(`it is not UTF-8 text: line ${line}, column ${column} has a byte that UTF-8 does not allow. Save the file as UTF-8`);
  }
}

export function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
