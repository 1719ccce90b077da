import * as path from 'node:path';

import type { Problem } from '../errors';
import { REGISTRY_TYPES } from '../registry/model-registry';
import type { RegistryConfig } from '../registry/registry-config';
import { isRegistryType } from '../registry/registry-config';
import { readMlflowRegistryConfig } from '../registry/mlflow/read-mlflow-config';
import { quote } from '../text/neutralize';
import { readAzureMlRegistryConfig } from '../registry/azureml/read-azureml-config';
import type { TaskInputs } from './task-inputs';

/**
 * Reads the registry inputs of PromoteModels. Adds every problem found to `problems` and
 * returns undefined when the configuration is unusable.
 */
export function readRegistryConfig(inputs: TaskInputs, problems: Problem[], workingDirectory: string): RegistryConfig | undefined {
  const rawType = inputs.input('registryType') ?? 'local';
  const type = rawType.toLowerCase();
  if (!isRegistryType(type)) {
    problems.push({ source: 'input registryType', location: '', message: 'Unknown registry type', value: quote(rawType), allowed: REGISTRY_TYPES.join(', ') });
    return undefined;
  }

  switch (type) {
    case 'local':
      return readLocalRegistryConfig(inputs, workingDirectory);
    case 'mlflow':
      return readMlflowRegistryConfig(inputs, problems);
    case 'azureml':
      return readAzureMlRegistryConfig(inputs, problems);
  }
}

function readLocalRegistryConfig(inputs: TaskInputs, workingDirectory: string): RegistryConfig {
  const folder = inputs.input('localRegistryPath') ?? 'model_registry';
  return { type: 'local', path: path.resolve(workingDirectory, folder) };
}
