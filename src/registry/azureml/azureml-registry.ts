import type { Problem } from '../../errors';
import { ModelsFileError, formatProblem } from '../../errors';
import type { RegisteredModel } from '../../models/registered-model';
import type { ModelRegistry, PromotionOutcome, RegistryCallContext, RegistryLookup } from '../model-registry';
import { ArmClient, registryPath, type ArmWorkspace, type CallOptions, type RegistryDiscovery, type RegistryScope, type WorkspaceScope } from './arm-client';
import { AzureMlError } from './azureml-error';
import { checkAzureMlName } from './azureml-names';
import { toRunModels } from './workspace-run-models';

export const AZUREML_PROMOTION_METHODS = ['publish', 'import'] as const;
/** `publish` is the ARM `ModelVersions_Publish` operation; `import` is the registry data-plane import that `az ml model share` uses. */
export type AzureMlPromotionMethod = (typeof AZUREML_PROMOTION_METHODS)[number];

export interface AzureMlRegistryOptions {
  client: ArmClient;
  workspace: WorkspaceScope;
  registry: RegistryScope;
  promotionMethod: AzureMlPromotionMethod;
  /** Base URL of the cloud's registry discovery service; required by the `import` method. */
  discoveryUrl?: string;
}

/**
 * Promotes workspace model versions into an Azure Machine Learning registry under the same
 * name and version. The service may overwrite an existing destination, so every promotion
 * first reads the registry and skips a version that is already there.
 */
export class AzureMlRegistry implements ModelRegistry {
  readonly type = 'azureml';
  readonly target: string;
  private readonly options: AzureMlRegistryOptions;
  private importSource?: Promise<{ workspace: ArmWorkspace; discovery: RegistryDiscovery }>;

  constructor(options: AzureMlRegistryOptions) {
    if (options.promotionMethod === 'import' && !options.discoveryUrl) {
      throw new AzureMlError('The import promotion method needs the registry discovery URL of the cloud; set the input azuremlDiscoveryUrl', { code: 'AZUREML_NO_DISCOVERY_URL' });
    }
    this.options = options;
    const { registry, workspace } = options;
    this.target = `${registry.registryName} in ${registry.resourceGroup} (from workspace ${workspace.workspaceName})`;
  }

  /** Returns a problem for every model whose name or version Azure Machine Learning would reject. */
  checkModels(models: readonly RegisteredModel[]): Problem[] {
    const problems: Problem[] = [];
    for (const model of models) {
      const location = `${model.plantId}:${model.modelName}:${model.version}`;
      const nameProblem = checkAzureMlName('model', model.modelName, 'models of the run', location);
      const versionProblem = checkAzureMlName('modelVersion', model.version, 'models of the run', location);
      problems.push(...[nameProblem, versionProblem].filter((problem): problem is Problem => problem !== undefined));
    }
    return problems;
  }

  /**
   * Lists the models of the run from the workspace: every model version whose tags match
   * `tags` (`name` or `name=value`, comma-separated). Throws `ModelsFileError` listing every
   * version without a usable plant ID, and when the query finds nothing.
   */
  async listRunModels(query: { tags: string; plantIdPattern?: RegExp }, log: (line: string) => void): Promise<RegisteredModel[]> {
    const { workspace } = this.options;
    const source = `models of workspace ${workspace.workspaceName} tagged ${query.tags} (input modelsTags)`;
    const versions = await this.options.client.listWorkspaceModelVersions(workspace, query.tags, { log });
    const { models, problems } = toRunModels(versions, query.plantIdPattern, source);
    if (versions.length === 0) {
      problems.push({ source, location: '', message: 'The query found no model version', allowed: 'tags that the registration step sets on the model versions of this run, for example run_id=$(Build.BuildId)' });
    }
    if (problems.length > 0) {
      throw new ModelsFileError(source, problems);
    }
    return models;
  }

  async lookup(model: RegisteredModel, context: RegistryCallContext): Promise<RegistryLookup> {
    this.assertValidModel(model);
    const found = await this.options.client.getRegistryModelVersion(this.options.registry, model.modelName, model.version, this.call(context));
    return found ? { exists: true, url: found.id ?? this.versionId(model) } : { exists: false };
  }

  async promote(model: RegisteredModel, context: RegistryCallContext): Promise<PromotionOutcome> {
    this.assertValidModel(model);
    const { client, registry, workspace } = this.options;
    let attempts = 0;
    const call = { ...this.call(context), countAttempts: (count: number) => (attempts += count) };

    const existing = await client.getRegistryModelVersion(registry, model.modelName, model.version, call);
    if (existing) {
      context.log(`${model.modelName}:${model.version} is already in registry ${registry.registryName}; not promoting it again`);
      return { status: 'already_promoted', url: existing.id ?? this.versionId(model), attempts };
    }

    const source = await client.getWorkspaceModelVersion(workspace, model.modelName, model.version, call);
    if (!source) {
      throw new AzureMlError(
        `Model ${model.modelName}:${model.version} is not in workspace ${workspace.workspaceName} (resource group ${workspace.resourceGroup}); register it there before promoting, or correct the models file`,
        { status: 404, code: 'AZUREML_SOURCE_NOT_FOUND' },
      );
    }

    context.log(`Promoting ${model.modelName}:${model.version} with the ${this.options.promotionMethod} method`);
    const result =
      this.options.promotionMethod === 'publish'
        ? await client.publishModelVersion(workspace, model.modelName, model.version, { registryName: registry.registryName, destinationName: model.modelName, destinationVersion: model.version }, call)
        : await this.importModel(model, call);

    if (result === 'conflict') {
      context.log(`Registry ${registry.registryName} answered HTTP 409: ${model.modelName}:${model.version} was added by someone else meanwhile`);
      return { status: 'already_promoted', url: this.versionId(model), attempts };
    }
    return { status: 'promoted', url: this.versionId(model), attempts };
  }

  private async importModel(model: RegisteredModel, call: CallOptions): Promise<'completed' | 'conflict'> {
    const { workspace, discovery } = await this.readImportSource(call);
    const sourceAssetId = `azureml://locations/${workspace.location}/workspaces/${workspace.workspaceId}/models/${model.modelName}/versions/${model.version}`;
    return await this.options.client.importModelVersion(
      discovery,
      this.options.registry.registryName,
      { sourceAssetId, destinationName: model.modelName, destinationVersion: model.version },
      call,
    );
  }

  /** Reads the workspace and the registry discovery once for all models; a failure is retried by the next model. */
  private readImportSource(call: CallOptions): Promise<{ workspace: ArmWorkspace; discovery: RegistryDiscovery }> {
    if (!this.importSource) {
      const { client, workspace, registry, discoveryUrl } = this.options;
      this.importSource = Promise.all([client.getWorkspace(workspace, call), client.discoverRegistry(discoveryUrl ?? '', registry.registryName, call)]).then(
        ([armWorkspace, discovery]) => ({ workspace: armWorkspace, discovery }),
      );
      this.importSource.catch(() => {
        this.importSource = undefined;
      });
    }
    return this.importSource;
  }

  private assertValidModel(model: RegisteredModel): void {
    const problems = this.checkModels([model]);
    if (problems.length > 0) {
      throw new AzureMlError(problems.map(formatProblem).join('; '), { code: 'AZUREML_INVALID_NAME' });
    }
  }

  private versionId(model: RegisteredModel): string {
    return `${registryPath(this.options.registry)}/models/${encodeURIComponent(model.modelName)}/versions/${encodeURIComponent(model.version)}`;
  }

  private call(context: RegistryCallContext): CallOptions {
    return { log: (line) => context.log(line), signal: context.signal };
  }
}
