import * as path from 'node:path';

import { InputError, PromotionError, ValidationError, errorMessage, type Problem } from '../errors';
import { UNLISTED_MODEL_ACTIONS, type UnlistedModelAction } from '../decision/decision';
import { compilePlantIdPattern } from '../models/parse-models-file';
import { RESULT_ON_PENDING_VALUES, type PathSetting, type ResultOnPending, type TaskConfig } from '../promotion/task-config';
import { quote } from '../text/neutralize';
import { readModelsQuery } from '../registry/azureml/read-models-query';
import { readRegistryConfig } from './read-registry-config';
import type { TaskInputs } from './task-inputs';

export type TaskName = 'PromoteModels' | 'RequestApprovals';

/** Defaults of the path inputs, as in task.json; a path equal to its default was not named by the user. */
const DEFAULT_PATHS = {
  modelsFile: 'registered_models.json',
  approvalFile: 'approval_status.json',
  approversFile: 'config/plant_approvers.yaml',
} as const;

const DEFAULT_OUTPUT = {
  PromoteModels: { fileInput: 'resultFile', fileName: 'promotion_result.json', artifactName: 'promotion_result' },
  RequestApprovals: { fileInput: 'requestFile', fileName: 'approval_request.json', artifactName: 'approval_request' },
} as const;

export const MAX_CONCURRENCY = 32;
const DEFAULT_CONCURRENCY = 4;

/** The spellings YAML 1.2's core schema reads as booleans; anything else is an error. */
const TRUE_SPELLINGS = ['true', 'True', 'TRUE'];
const FALSE_SPELLINGS = ['false', 'False', 'FALSE'];

/** Characters the agent rejects in artifact and attachment names (invalid in file names on Windows). */
const INVALID_NAME_CHARACTERS = /["*/:<>?\\|]|\p{Cc}/u;

/**
 * Reads and validates every input of one task into a `TaskConfig`. All problems are collected
 * and thrown together as one `InputError`, before the task has any side effect.
 */
export function readTaskConfig(inputs: TaskInputs, task: TaskName): TaskConfig {
  const problems: Problem[] = [];
  const workingDirectory = readWorkingDirectory(inputs, problems);

  const approvalFile = readPathSetting(inputs, 'approvalFile', workingDirectory);
  const approversFile = readPathSetting(inputs, 'approversFile', workingDirectory);
  const config: TaskConfig = {
    modelsFile: readPathSetting(inputs, 'modelsFile', workingDirectory).path,
    plantIdPattern: readPlantIdPattern(inputs, problems),
    approvalFile,
    approversFile,
    unlistedModels: readEnum<UnlistedModelAction>(inputs, 'unlistedModels', UNLISTED_MODEL_ACTIONS, 'approve', problems),
    resultFile: readOutputFile(inputs, task, workingDirectory, problems),
    artifactName: readArtifactName(inputs, DEFAULT_OUTPUT[task].artifactName, problems),
    dryRun: false,
    concurrency: 1,
    plants: readPlants(inputs, problems),
    resultOnPending: 'succeeded',
    workingDirectory,
  };

  if (task === 'PromoteModels') {
    config.registry = readRegistryConfig(inputs, problems, workingDirectory);
    config.modelsQuery = readModelsQuery(inputs, config.registry, problems);
    config.dryRun = readBoolean(inputs, 'dryRun', false, problems);
    config.concurrency = readConcurrency(inputs, problems);
    config.resultOnPending = readEnum<ResultOnPending>(inputs, 'resultOnPending', RESULT_ON_PENDING_VALUES, 'succeeded', problems);
  }

  if (problems.length > 0) {
    throw new InputError(problems);
  }
  return config;
}

function readWorkingDirectory(inputs: TaskInputs, problems: Problem[]): string {
  const directory = inputs.variable('System.DefaultWorkingDirectory');
  if (directory === undefined) {
    problems.push({
      source: 'variable System.DefaultWorkingDirectory',
      location: '',
      message: 'The variable is not set, so relative paths cannot be resolved. The Azure Pipelines agent sets it; outside the agent set SYSTEM_DEFAULTWORKINGDIRECTORY',
    });
    return '';
  }
  return path.resolve(directory);
}

/**
 * Resolves a path input against the working directory. The agent roots relative `filePath`
 * inputs itself (against the sources folder) and passes the sources folder for an empty picker,
 * so a path counts as named only when `pathSupplied` is true and it differs from its default.
 */
function readPathSetting(inputs: TaskInputs, name: keyof typeof DEFAULT_PATHS, workingDirectory: string): PathSetting {
  const defaultValue = DEFAULT_PATHS[name];
  const value = inputs.pathSupplied(name) ? inputs.input(name) : undefined;
  if (value === undefined) {
    return { path: path.resolve(workingDirectory, defaultValue), named: false };
  }

  const resolved = path.resolve(workingDirectory, value);
  const defaultLocations = [workingDirectory, inputs.variable('Build.SourcesDirectory')]
    .filter((folder): folder is string => folder !== undefined && folder !== '')
    .map((folder) => path.resolve(folder, defaultValue));
  return { path: resolved, named: !defaultLocations.includes(resolved) };
}

function readPlantIdPattern(inputs: TaskInputs, problems: Problem[]): RegExp | undefined {
  const pattern = inputs.input('plantIdPattern');
  if (pattern === undefined) {
    return undefined;
  }
  try {
    return compilePlantIdPattern(pattern);
  } catch (error) {
    if (error instanceof ValidationError) {
      problems.push(...error.problems.map((problem) => ({ ...problem, source: 'input plantIdPattern' })));
    } else if (error instanceof PromotionError || error instanceof SyntaxError) {
      problems.push({ source: 'input plantIdPattern', location: '', message: errorMessage(error), value: quote(pattern) });
    } else {
      throw error;
    }
    return undefined;
  }
}

function readEnum<T extends string>(inputs: TaskInputs, name: string, allowed: readonly T[], defaultValue: T, problems: Problem[]): T {
  const value = inputs.input(name);
  if (value === undefined) {
    return defaultValue;
  }
  const match = allowed.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
  if (match === undefined) {
    problems.push({ source: `input ${name}`, location: '', message: 'Unknown value', value: quote(value), allowed: allowed.join(', ') });
    return defaultValue;
  }
  return match;
}

function readBoolean(inputs: TaskInputs, name: string, defaultValue: boolean, problems: Problem[]): boolean {
  const value = inputs.input(name);
  if (value === undefined) {
    return defaultValue;
  }
  if (TRUE_SPELLINGS.includes(value)) {
    return true;
  }
  if (FALSE_SPELLINGS.includes(value)) {
    return false;
  }
  problems.push({ source: `input ${name}`, location: '', message: 'Not a boolean', value: quote(value), allowed: [...TRUE_SPELLINGS, ...FALSE_SPELLINGS].join(', ') });
  return defaultValue;
}

function readConcurrency(inputs: TaskInputs, problems: Problem[]): number {
  const value = inputs.input('concurrency');
  if (value === undefined) {
    return DEFAULT_CONCURRENCY;
  }
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(number) || number < 1 || number > MAX_CONCURRENCY) {
    problems.push({ source: 'input concurrency', location: '', message: 'Not a whole number in range', value: quote(value), allowed: `a whole number from 1 to ${MAX_CONCURRENCY}` });
    return DEFAULT_CONCURRENCY;
  }
  return number;
}

function readPlants(inputs: TaskInputs, problems: Problem[]): string[] {
  const value = inputs.input('plants');
  if (value === undefined) {
    return [];
  }
  const plants: string[] = [];
  for (const plant of value.split(',').map((item) => item.trim())) {
    if (plant === '') {
      continue;
    }
    if (/[:\s]/.test(plant)) {
      problems.push({ source: 'input plants', location: '', message: 'A plant ID contains a colon or white space', value: quote(plant), allowed: 'comma-separated plant IDs such as PLANT001,PLANT002' });
      continue;
    }
    if (!plants.includes(plant)) {
      plants.push(plant);
    }
  }
  return plants;
}

/**
 * Reads `resultFile` (PromoteModels) or `requestFile` (RequestApprovals). The task.json default
 * is `$(Build.ArtifactStagingDirectory)/<file>`, which classic release jobs leave unexpanded
 * because they do not define that variable, so there the file goes to Agent.TempDirectory.
 */
function readOutputFile(inputs: TaskInputs, task: TaskName, workingDirectory: string, problems: Problem[]): string {
  const { fileInput, fileName } = DEFAULT_OUTPUT[task];
  const rawValue = inputs.input(fileInput);
  const value = rawValue === `$(Build.ArtifactStagingDirectory)/${fileName}` ? undefined : rawValue;
  if (value !== undefined) {
    if (/\$\([^)]*\)/.test(value)) {
      problems.push({ source: `input ${fileInput}`, location: '', message: 'The path contains a pipeline variable that was not expanded, so the variable is not defined in this job', value: quote(value), allowed: 'a file path, or a macro of a variable the job defines' });
    }
    return path.resolve(workingDirectory, value);
  }

  const folder = inputs.variable('Build.ArtifactStagingDirectory') ?? inputs.variable('Agent.TempDirectory');
  if (folder === undefined) {
    problems.push({ source: `input ${fileInput}`, location: '', message: 'The input is empty and neither Build.ArtifactStagingDirectory nor Agent.TempDirectory is set, so there is no default location', allowed: `a file path such as ${fileName}` });
    return '';
  }
  return path.resolve(folder, fileName);
}

function readArtifactName(inputs: TaskInputs, defaultValue: string, problems: Problem[]): string {
  const value = inputs.input('artifactName') ?? defaultValue;
  if (INVALID_NAME_CHARACTERS.test(value)) {
    problems.push({ source: 'input artifactName', location: '', message: 'The artifact name contains a character the agent rejects', value: quote(value), allowed: 'letters, digits, spaces, dots, dashes and underscores' });
  }
  return value;
}
