import type { AzureRmConnection } from '../auth/azure-rm-connection';
import type { SecretText } from '../text/secret-text';
import type { RegistryScope, WorkspaceScope } from './azureml/arm-client';
import type { AzureMlPromotionMethod } from './azureml/azureml-registry';
import type { RegistryType } from './model-registry';

export interface LocalRegistryConfig {
  type: 'local';
  /** Absolute folder path of the local registry. */
  path: string;
}

export interface AzureMlRegistryConfig {
  type: 'azureml';
  /** The AzureRM service connection the task signs in with; its secrets print as `***`. */
  connection: AzureRmConnection;
  /** Workspace the models of the run are registered in. */
  workspace: WorkspaceScope;
  /** Registry the models are promoted to; its resource group and subscription default to the workspace's. */
  registry: RegistryScope;
  promotionMethod: AzureMlPromotionMethod;
  /** Registry discovery URL of the connection's cloud, which only the import method needs; undefined when unknown. */
  discoveryUrl?: string;
}

export const MLFLOW_PROMOTION_MODES = ['copy', 'alias', 'copyAndAlias'] as const;
export type MlflowPromotionMode = (typeof MLFLOW_PROMOTION_MODES)[number];

export interface MlflowRegistryConfig {
  type: 'mlflow';
  /** Tracking server URL without a trailing slash; `/api/2.0/mlflow/...` is appended to it. */
  trackingUrl: string;
  /** Value of the `Authorization` header (`Bearer …` or `Basic …`), masked when printed or serialized. */
  authorization: SecretText;
  /** Id of the service connection the URL and token came from, for messages. */
  connectionId: string;
  /** `copy` copies the version into the target model, `alias` points an alias at the source version, `copyAndAlias` does both. */
  mode: MlflowPromotionMode;
  /** Target registered model name with `{model_name}` and `{plant_id}` placeholders; used by `copy` and `copyAndAlias`. */
  targetModelName: string;
  /** Alias to set; required by `alias` and `copyAndAlias`. */
  alias?: string;
}

export type RegistryConfig = LocalRegistryConfig | AzureMlRegistryConfig | MlflowRegistryConfig;

export function isRegistryType(value: string): value is RegistryType {
  return value === 'local' || value === 'azureml' || value === 'mlflow';
}
