import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Writes a file through a temporary file in the same folder and a rename, so a reader sees
 * either the old content or the whole new content, never a partly written file. Creates the
 * folder when it is missing.
 */
export async function writeFileAtomic(filePath: string, content: string): Promise<void> {
  const folder = path.dirname(filePath);
  await mkdir(folder, { recursive: true });

  const temporaryPath = path.join(folder, `.${path.basename(filePath)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(temporaryPath, content, { encoding: 'utf8', flag: 'wx' });
    await rename(temporaryPath, filePath);
  } catch (error) {
    await rm(temporaryPath, { force: true }).catch(() => undefined);
    throw error;
  }
}
