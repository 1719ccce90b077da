import type { Problem } from '../errors';
import type { RegisteredModel } from '../models/registered-model';

export const REGISTRY_TYPES = ['local', 'azureml', 'mlflow'] as const;
export type RegistryType = (typeof REGISTRY_TYPES)[number];

/** Registry state of one model version. */
export interface RegistryLookup {
  exists: boolean;
  /** Link or path to the registry entry, when the registry has one. */
  url?: string;
}

/** Approval behind a promotion, for registries that store it with the version (the local registry does). */
export interface PromotionApproval {
  key: string;
  /** The decision rule that approved the model (a `DecisionRule`). */
  rule: string;
  reason: string;
  approvedBy: string[];
  /** SHA-256 of the approval file the decision was read from. */
  approvalFileSha256?: string;
}

/** Per-model context passed to a registry call. */
export interface RegistryCallContext {
  /** Adds a line to the model's log group; the text is neutralized by the caller. */
  log(line: string): void;
  signal?: AbortSignal;
  /** Set on `promote` calls by the promotion run. */
  approval?: PromotionApproval;
}

export interface PromotionOutcome {
  /** `already_promoted` when the registry found the version during promotion (for example a 409). */
  status: 'promoted' | 'already_promoted';
  url?: string;
  /** Number of requests the promotion took, including retries; 1 for the local registry. */
  attempts?: number;
}

/**
 * A model registry that approved models are promoted into. Implementations must never
 * overwrite a version that is already there, and must leave no half-promoted version behind.
 */
export interface ModelRegistry {
  readonly type: RegistryType;
  /** Human-readable target, for example the folder or `registry-name in resource-group`. */
  readonly target: string;
  lookup(model: RegisteredModel, context: RegistryCallContext): Promise<RegistryLookup>;
  promote(model: RegisteredModel, context: RegistryCallContext): Promise<PromotionOutcome>;
  /**
   * Returns a problem for every model whose name or version this registry would reject, so
   * the run can fail before its first registry call. Registries without naming rules omit it.
   */
  checkModels?(models: readonly RegisteredModel[]): Problem[];
  /**
   * Lists the models of the run from the registry's source (the Azure ML workspace) by tag, in
   * place of registered_models.json. Only registries with such a source implement it.
   */
  listRunModels?(query: { tags: string; plantIdPattern?: RegExp }, log: (line: string) => void): Promise<RegisteredModel[]>;
}
