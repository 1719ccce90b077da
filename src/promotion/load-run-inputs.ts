import { createHash } from 'node:crypto';

import type { ApprovalFile } from '../approvals/approval-file';
import { parseApprovalFile } from '../approvals/parse-approval-file';
import type { ApproversConfig } from '../approvers/plant-approvers';
import { parseApproversFile } from '../approvers/parse-approvers-file';
import { findMistypedApprovalKeys } from '../decision/find-mistyped-approval-keys';
import { ApprovalFileError, ValidationError, errorMessage, type Problem } from '../errors';
import { readTextFileIfExists, type TextFile } from '../files/read-text-file';
import { parseModelsFile } from '../models/parse-models-file';
import type { RegisteredModel } from '../models/registered-model';
import type { PipelineHost } from '../pipeline/pipeline-host';
import type { TaskConfig } from './task-config';

/** The three input files of a run, parsed and validated. */
export interface RunInputs {
  models: RegisteredModel[];
  approvalFile: ApprovalFile;
  approvalFileSha256: string;
  approvers: ApproversConfig;
}

/**
 * Reads and validates the models, approval and approvers files. Every problem of all three
 * files is collected, and one `ValidationError` lists them all, so the user fixes everything
 * in one round. Nothing has been changed when it throws.
 */
export async function loadRunInputs(config: TaskConfig, host: PipelineHost, listModels?: () => Promise<RegisteredModel[]>): Promise<RunInputs> {
  const problems: Problem[] = [];
  const failures: ValidationError[] = [];
  const parse = <T>(file: TextFile | undefined, parser: (file: TextFile) => T): T | undefined => {
    if (file === undefined) {
      return undefined;
    }
    try {
      return parser(file);
    } catch (error) {
      if (error instanceof ValidationError) {
        failures.push(error);
        return undefined;
      }
      throw error;
    }
  };

  const modelsText =
    config.modelsQuery === undefined ? await readRequiredFile(config.modelsFile, 'models file (input modelsFile)', 'Point modelsFile at the registered_models.json the registration step wrote', problems) : undefined;
  const approvalText = await readRequiredFile(config.approvalFile.path, 'approval file (input approvalFile)', 'Create the file (it may contain just {}) or point approvalFile at it', problems);
  const approversText = await readApproversFile(config, host, problems);

  const models = config.modelsQuery === undefined ? parse(modelsText, (file) => parseModelsFile(file.text, file.path, { plantIdPattern: config.plantIdPattern })) : await listQueriedModels(listModels, failures);
  const approvalFile = parse(approvalText, (file) => parseApprovalFile(file.text, file.path));
  const approvers = parse(approversText, (file) => parseApproversFile(file.text, file.path));
  if (models !== undefined && approvalFile !== undefined && approvalText !== undefined) {
    const mistyped = findMistypedApprovalKeys(approvalFile, models, approvalText.path);
    if (mistyped.length > 0) {
      failures.push(new ApprovalFileError(approvalText.path, mistyped));
    }
  }

  throwIfInvalid(failures, problems);
  if (models === undefined || approvalFile === undefined || approvalText === undefined) {
    throw new Error('Input files were not parsed although no problem was reported.');
  }
  return {
    models,
    approvalFile,
    approvalFileSha256: createHash('sha256').update(approvalText.bytes).digest('hex'),
    approvers: approvers ?? new Map(),
  };
}

/** Lists the models of the run from the registry's workspace; a `ValidationError` joins the other files' problems. */
async function listQueriedModels(listModels: (() => Promise<RegisteredModel[]>) | undefined, failures: ValidationError[]): Promise<RegisteredModel[] | undefined> {
  if (listModels === undefined) {
    throw new Error('modelsSource is workspace, but the registry cannot list the models of the run.');
  }
  try {
    return await listModels();
  } catch (error) {
    if (error instanceof ValidationError) {
      failures.push(error);
      return undefined;
    }
    throw error;
  }
}

async function readRequiredFile(filePath: string, description: string, fix: string, problems: Problem[]): Promise<TextFile | undefined> {
  try {
    const file = await readTextFileIfExists(filePath);
    if (file === undefined) {
      problems.push({ source: filePath, location: '', message: `The ${description} does not exist. ${fix}` });
    }
    return file;
  } catch (error) {
    problems.push({ source: filePath, location: '', message: `The ${description} cannot be read: ${errorMessage(error)}` });
    return undefined;
  }
}

/** Reads the approvers file. A missing file at the default path means no plant has approvers, and a missing named file is a problem. */
async function readApproversFile(config: TaskConfig, host: PipelineHost, problems: Problem[]): Promise<TextFile | undefined> {
  const { path: filePath, named } = config.approversFile;
  if (named) {
    return await readRequiredFile(filePath, 'approvers file (input approversFile)', 'Fix approversFile, or clear it to run without approver lists', problems);
  }
  try {
    const file = await readTextFileIfExists(filePath);
    if (file === undefined) {
      host.info(`No approvers file at the default path ${filePath}, so no plant has an approver list.`);
    }
    return file;
  } catch (error) {
    problems.push({ source: filePath, location: '', message: `The approvers file (input approversFile) cannot be read: ${errorMessage(error)}` });
    return undefined;
  }
}

function throwIfInvalid(failures: ValidationError[], problems: Problem[]): void {
  if (failures.length === 1 && problems.length === 0) {
    throw failures[0];
  }
  const allProblems = [...problems, ...failures.flatMap((failure) => failure.problems)];
  if (allProblems.length > 0) {
    throw new ValidationError('INVALID_INPUT_FILES', `The input files have ${allProblems.length} problem(s); nothing was promoted:`, allProblems);
  }
}
