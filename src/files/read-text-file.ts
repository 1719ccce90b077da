import { readFile } from 'node:fs/promises';

/** The content of an input file, as bytes (hashed for the result file) and as UTF-8 text. */
export interface TextFile {
  path: string;
  text: string;
  bytes: Buffer;
}

/** Reads a UTF-8 file, or returns undefined when it does not exist; any other read error is thrown. */
export async function readTextFileIfExists(filePath: string): Promise<TextFile | undefined> {
  try {
    const bytes = await readFile(filePath);
    return { path: filePath, text: bytes.toString('utf8'), bytes };
  } catch (error) {
    if (isNodeError(error) && error.code === 'ENOENT') {
      return undefined;
    }
    throw error;
  }
}

export function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
}
