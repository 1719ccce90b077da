import { PromotionError } from '../errors';
import type { FetchFunction } from '../http/http-client';
import { createMlflowRegistry } from './mlflow/mlflow-registry';
import { createAzureMlRegistry } from './azureml/create-azureml-registry';
import { LocalRegistry } from './local-registry';
import type { ModelRegistry } from './model-registry';
import type { RegistryConfig } from './registry-config';

/** Dependencies of the registry adapters besides their configuration. */
export interface RegistryDeps {
  now(): Date;
  /** Registers a token read from a service connection, so that the agent masks it; required by the HTTP registries. */
  setSecret?(value: string): void;
  /** `fetch` of the HTTP registries; the global `fetch` when not set. */
  fetch?: FetchFunction;
}

/** Builds the registry the configuration names. */
export function createRegistry(config: RegistryConfig, deps: RegistryDeps): ModelRegistry {
  switch (config.type) {
    case 'local':
      return new LocalRegistry(config.path, { now: deps.now });
    case 'mlflow':
      if (deps.setSecret === undefined) {
        throw new PromotionError('REGISTRY_NOT_AVAILABLE', 'The MLflow registry needs setSecret to mask its token, and the caller passed none.');
      }
      return createMlflowRegistry(config, { fetch: deps.fetch ?? fetch, setSecret: deps.setSecret });
    case 'azureml':
      if (deps.setSecret === undefined) {
        throw new PromotionError('REGISTRY_NOT_AVAILABLE', 'The Azure ML registry needs setSecret to mask the connection secrets and tokens, and the caller passed none.');
      }
      return createAzureMlRegistry(config, { fetch: deps.fetch, setSecret: deps.setSecret });
  }
}
