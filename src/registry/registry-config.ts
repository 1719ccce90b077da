import type { RegistryType } from './model-registry';

export interface LocalRegistryConfig {
  type: 'local';
  /** Absolute folder path of the local registry. */
  path: string;
}

// NOTE: the azureml and mlflow members are filled in by their adapters; until then
// `createRegistry` rejects them with an error that names the supported types.
export interface AzureMlRegistryConfig {
  type: 'azureml';
}

export interface MlflowRegistryConfig {
  type: 'mlflow';
}

export type RegistryConfig = LocalRegistryConfig | AzureMlRegistryConfig | MlflowRegistryConfig;

export function isRegistryType(value: string): value is RegistryType {
  return value === 'local' || value === 'azureml' || value === 'mlflow';
}
