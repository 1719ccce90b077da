import type { UnlistedModelAction } from '../decision/decision';
import type { RegistryConfig } from '../registry/registry-config';

export const RESULT_ON_PENDING_VALUES = ['succeeded', 'succeededWithIssues', 'failed'] as const;
export type ResultOnPending = (typeof RESULT_ON_PENDING_VALUES)[number];

/** A path input after resolution, and whether the user named it or it is the default. */
export interface PathSetting {
  path: string;
  /** False when the input was left at its default, so a missing file may be allowed. */
  named: boolean;
}

/** Every input of both tasks, read once at the entry point and validated before any side effect. */
export interface TaskConfig {
  modelsFile: string;
  /** Set when the models of the run come from the Azure ML workspace by tag (input `modelsSource: workspace`) in place of `modelsFile`. */
  modelsQuery?: { tags: string };
  plantIdPattern?: RegExp;
  approvalFile: PathSetting;
  approversFile: PathSetting;
  unlistedModels: UnlistedModelAction;
  /** The promotion target; undefined for RequestApprovals, which does not use a registry. */
  registry?: RegistryConfig;
  /** promotion_result.json for PromoteModels, approval_request.json (input `requestFile`) for RequestApprovals. */
  resultFile: string;
  artifactName: string;
  dryRun: boolean;
  /** Maximum number of models promoted at the same time, at least 1. */
  concurrency: number;
  /** Plant IDs to handle in this job; empty means every plant. */
  plants: string[];
  resultOnPending: ResultOnPending;
  /** Working directory that relative paths were resolved against. */
  workingDirectory: string;
}
