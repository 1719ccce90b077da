import { PromotionError } from '../errors';
import { LocalRegistry } from './local-registry';
import type { ModelRegistry } from './model-registry';
import type { RegistryConfig } from './registry-config';

/** What registry adapters need from the task besides their configuration. */
export interface RegistryDeps {
  now(): Date;
}

/** Builds the registry the configuration names. */
export function createRegistry(config: RegistryConfig, deps: RegistryDeps): ModelRegistry {
  switch (config.type) {
    case 'local':
      return new LocalRegistry(config.path, { now: deps.now });
    case 'azureml':
    case 'mlflow':
      throw new PromotionError('REGISTRY_NOT_AVAILABLE', `Registry type ${config.type} is not available in this version of the task; use registryType local.`);
  }
}
