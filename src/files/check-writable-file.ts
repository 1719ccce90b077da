import { randomBytes } from 'node:crypto';
import { mkdir, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { errorMessage } from '../errors';
import { isNodeError } from './read-text-file';

/**
 * Returns why `filePath` cannot be written, or undefined when it can. It creates the folder and
 * writes and deletes an empty probe file there, as `writeFileAtomic` will, so a folder that is
 * read-only or a path that names a folder is found before anything irreversible happens.
 */
export async function findWriteProblem(filePath: string): Promise<string | undefined> {
  try {
    if ((await stat(filePath)).isDirectory()) {
      return 'is a folder, not a file';
    }
  } catch (error) {
    if (!isNodeError(error) || error.code !== 'ENOENT') {
      return `cannot be checked: ${errorMessage(error)}`;
    }
  }

  const folder = path.dirname(filePath);
  const probePath = path.join(folder, `.${path.basename(filePath)}.${randomBytes(6).toString('hex')}.probe`);
  try {
    await mkdir(folder, { recursive: true });
    await writeFile(probePath, '', { flag: 'wx' });
  } catch (error) {
    return `cannot be written in folder ${folder}: ${errorMessage(error)}`;
  } finally {
    await rm(probePath, { force: true }).catch(() => undefined);
  }
  return undefined;
}
