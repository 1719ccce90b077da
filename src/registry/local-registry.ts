import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

import { RegistryError, errorMessage, type Problem } from '../errors';
import { approvalKey, type RegisteredModel } from '../models/registered-model';
import { isNodeError } from '../files/read-text-file';
import { quote } from '../text/neutralize';
import type { ModelRegistry, PromotionOutcome, RegistryCallContext, RegistryLookup } from './model-registry';

export const LOCAL_REGISTRY_METADATA_FILE = 'model.json';
export const LOCAL_REGISTRY_FILES_FOLDER = 'files';
const TEMPORARY_PREFIX = '.promoting-';

/** A model name or version used as one folder name: no separators, no `.` or `..`, nothing hidden. */
const SAFE_FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const FOLDER_NAME_RULE = 'letters, digits, dots, dashes and underscores, starting with a letter or digit';

function isSafeFolderName(value: string): boolean {
  return SAFE_FOLDER_NAME.test(value) && value !== '.' && value !== '..';
}

export interface LocalRegistryDeps {
  now(): Date;
}

/** Metadata stored beside the model's files as `model.json`. */
export interface LocalRegistryMetadata {
  schema_version: 1;
  key: string;
  plant_id: string;
  model_name: string;
  version: string;
  tags: Record<string, string>;
  metrics: Record<string, number>;
  /** Absolute path the files were copied from; absent for a metadata-only promotion. */
  source_path: string | null;
  promoted_at: string;
  approval: {
    rule: string;
    reason: string;
    approved_by: string[];
    approval_file_sha256: string | null;
  } | null;
}

/**
 * A model registry in a folder: `<root>/<model_name>/<version>/` contains `model.json` and the
 * model's files under `files/`, so a model folder that has its own `model.json` keeps it.
 *
 * Promotion builds the version in a `.promoting-*` folder inside the root and renames it into
 * place, so a version folder is always complete. rename() fails with ENOTEMPTY or EEXIST when
 * the target folder has content. A concurrent promotion of the same version then ends as
 * `already_promoted` instead of overwriting it, and a folder with other content fails the model.
 * An empty target folder is replaced, because it contains no model. A crash can leave a
 * `.promoting-*` folder behind. Lookups ignore it, and it can be deleted.
 */
export class LocalRegistry implements ModelRegistry {
  readonly type = 'local' as const;
  readonly target: string;

  constructor(
    private readonly root: string,
    private readonly deps: LocalRegistryDeps,
  ) {
    this.target = root;
  }

  /**
   * Returns a problem for every model name or version that cannot be a folder name, and for
   * every model that needs the folder of an earlier model. The registry keeps one
   * `<model_name>/<version>` folder per version, so of two plants registering the same name and
   * version, the second would be reported as already promoted while the folder contains the first
   * plant's files. Folders are compared ignoring case, as on Windows and macOS agents.
   */
  checkModels(models: readonly RegisteredModel[]): Problem[] {
    const problems: Problem[] = [];
    const firstKeyByFolder = new Map<string, string>();
    for (const model of models) {
      const location = approvalKey(model);
      for (const [field, value] of [['model name', model.modelName], ['version', model.version]] as const) {
        if (!isSafeFolderName(value)) {
          problems.push({ source: 'models of the run', location, message: `Invalid ${field} for a local registry folder`, value: quote(value), allowed: FOLDER_NAME_RULE });
        }
      }

      const folder = `${model.modelName}/${model.version}`;
      const firstKey = firstKeyByFolder.get(folder.toLowerCase());
      if (firstKey === undefined) {
        firstKeyByFolder.set(folder.toLowerCase(), location);
      } else {
        problems.push({
          source: 'models of the run',
          location,
          message: `Needs the same local registry folder ${quote(folder)} as ${quote(firstKey)}, because the registry keeps one folder per model name and version, ignoring case`,
          allowed: 'a model name that no other plant uses, such as plant001-circuit01-model',
        });
      }
    }
    return problems;
  }

  async lookup(model: RegisteredModel, _context: RegistryCallContext): Promise<RegistryLookup> {
    const folder = this.versionFolder(model);
    try {
      // Promotion renames complete folders into place, so a version is there exactly when its metadata is.
      await stat(path.join(folder, LOCAL_REGISTRY_METADATA_FILE));
    } catch (error) {
      if (isNodeError(error) && error.code === 'ENOENT') {
        return { exists: false };
      }
      throw new RegistryError(`Could not check the local registry folder ${folder}: ${errorMessage(error)}`, { code: 'LOCAL_REGISTRY_FAILED', cause: error });
    }
    await assertFolderHasModel(folder, model);
    return { exists: true, url: folder };
  }

  async promote(model: RegisteredModel, context: RegistryCallContext): Promise<PromotionOutcome> {
    const folder = this.versionFolder(model);
    const sourcePath = model.path === undefined ? undefined : path.resolve(model.path);
    if (sourcePath !== undefined) {
      await assertSourceExists(sourcePath, model);
    }

    await mkdir(this.root, { recursive: true });
    const temporaryFolder = path.join(this.root, `${TEMPORARY_PREFIX}${randomBytes(8).toString('hex')}`);
    try {
      await mkdir(temporaryFolder);
      if (sourcePath === undefined) {
        context.log('The model has no path in the models file, so only its metadata is promoted.');
      } else {
        await copyModelFiles(sourcePath, temporaryFolder);
        context.log(`Copied the model files from ${sourcePath}.`);
      }
      await writeFile(path.join(temporaryFolder, LOCAL_REGISTRY_METADATA_FILE), `${JSON.stringify(this.metadata(model, sourcePath, context), null, 2)}\n`, 'utf8');

      await mkdir(path.dirname(folder), { recursive: true });
      return await moveIntoPlace(temporaryFolder, folder, model, context);
    } catch (error) {
      if (error instanceof RegistryError) {
        throw error;
      }
      throw new RegistryError(`Could not promote ${approvalKey(model)} into the local registry folder ${folder}: ${errorMessage(error)}`, { code: 'LOCAL_REGISTRY_FAILED', cause: error });
    } finally {
      await rm(temporaryFolder, { recursive: true, force: true }).catch((error: unknown) => {
        context.log(`Warning: could not delete the temporary folder ${temporaryFolder}: ${errorMessage(error)}`);
      });
    }
  }

  private versionFolder(model: RegisteredModel): string {
    for (const [field, value] of [['model name', model.modelName], ['version', model.version]] as const) {
      if (!isSafeFolderName(value)) {
        throw new RegistryError(
          `The ${field} ${JSON.stringify(value)} of ${approvalKey(model)} cannot be a folder name in the local registry. Use ${FOLDER_NAME_RULE}.`,
          { code: 'LOCAL_REGISTRY_INVALID_NAME' },
        );
      }
    }
    return path.join(this.root, model.modelName, model.version);
  }

  private metadata(model: RegisteredModel, sourcePath: string | undefined, context: RegistryCallContext): LocalRegistryMetadata {
    const approval = context.approval;
    return {
      schema_version: 1,
      key: approvalKey(model),
      plant_id: model.plantId,
      model_name: model.modelName,
      version: model.version,
      tags: model.tags,
      metrics: model.metrics,
      source_path: sourcePath ?? null,
      promoted_at: this.deps.now().toISOString(),
      approval: approval
        ? { rule: approval.rule, reason: approval.reason, approved_by: approval.approvedBy, approval_file_sha256: approval.approvalFileSha256 ?? null }
        : null,
    };
  }
}

async function assertSourceExists(sourcePath: string, model: RegisteredModel): Promise<void> {
  let source: Stats;
  try {
    source = await stat(sourcePath);
  } catch (error) {
    const missing = isNodeError(error) && error.code === 'ENOENT';
    throw new RegistryError(
      missing
        ? `The model path ${sourcePath} of ${approvalKey(model)} does not exist. Fix "path" in the models file, or remove it to promote the metadata only.`
        : `The model path ${sourcePath} of ${approvalKey(model)} cannot be read: ${errorMessage(error)}`,
      { code: missing ? 'MODEL_PATH_NOT_FOUND' : 'MODEL_PATH_UNREADABLE', cause: error },
    );
  }
  // fs.cp of Node 20 copies a device such as /dev/zero as an empty file, which would be promoted as the model.
  if (!source.isFile() && !source.isDirectory()) {
    throw new RegistryError(`The model path ${sourcePath} of ${approvalKey(model)} is neither a file nor a folder. Point "path" in the models file at the model's file or folder.`, {
      code: 'MODEL_PATH_UNREADABLE',
    });
  }
}

async function copyModelFiles(sourcePath: string, temporaryFolder: string): Promise<void> {
  const filesFolder = path.join(temporaryFolder, LOCAL_REGISTRY_FILES_FOLDER);
  const source = await stat(sourcePath);
  const destination = source.isDirectory() ? filesFolder : path.join(filesFolder, path.basename(sourcePath));
  if (!source.isDirectory()) {
    await mkdir(filesFolder);
  }
  // dereference copies what a symbolic link points to, so the registry never links back into the build folder.
  await cp(sourcePath, destination, { recursive: true, dereference: true, errorOnExist: true, force: false });
}

/**
 * Throws when the `model.json` of a version folder records another approval key, such as the
 * same model name and version promoted earlier for another plant, so that this model is not
 * reported as already promoted. A `model.json` that is not valid JSON or has no key is taken as
 * this model's, as before keys were compared.
 */
async function assertFolderHasModel(folder: string, model: RegisteredModel): Promise<void> {
  const metadataPath = path.join(folder, LOCAL_REGISTRY_METADATA_FILE);
  let text: string;
  try {
    text = await readFile(metadataPath, 'utf8');
  } catch (error) {
    throw new RegistryError(`Could not read ${metadataPath}: ${errorMessage(error)}`, { code: 'LOCAL_REGISTRY_FAILED', cause: error });
  }
  let recordedKey: unknown;
  try {
    recordedKey = (JSON.parse(text) as { key?: unknown } | null)?.key;
  } catch {
    return;
  }
  if (typeof recordedKey === 'string' && recordedKey !== approvalKey(model)) {
    throw new RegistryError(
      `The local registry folder ${folder} contains ${quote(recordedKey)}, not ${quote(approvalKey(model))}, because the registry keeps one folder per model name and version. Give the models of different plants different names, or move the folder away and run again.`,
      { code: 'LOCAL_REGISTRY_CONFLICT' },
    );
  }
}

async function moveIntoPlace(temporaryFolder: string, folder: string, model: RegisteredModel, context: RegistryCallContext): Promise<PromotionOutcome> {
  try {
    await rename(temporaryFolder, folder);
  } catch (error) {
    if (!isNodeError(error) || (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST')) {
      throw error;
    }
    const promoted = await stat(path.join(folder, LOCAL_REGISTRY_METADATA_FILE)).then(
      () => true,
      () => false,
    );
    if (!promoted) {
      throw new RegistryError(`The local registry folder ${folder} already has content but no ${LOCAL_REGISTRY_METADATA_FILE}, so it is not a promoted version. Move it away and run again.`, {
        code: 'LOCAL_REGISTRY_CONFLICT',
        cause: error,
      });
    }
    await assertFolderHasModel(folder, model);
    context.log(`Another promotion created ${folder} first, so it was left unchanged.`);
    return { status: 'already_promoted', url: folder, attempts: 1 };
  }
  return { status: 'promoted', url: folder, attempts: 1 };
}
