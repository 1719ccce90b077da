import * as path from 'node:path';

import { decideRun } from '../decision/decide-run';
import type { ModelDecision } from '../decision/decision';
import { InputError, ModelsFileError } from '../errors';
import { findWriteProblem } from '../files/check-writable-file';
import type { PipelineHost, TaskResultKind } from '../pipeline/pipeline-host';
import type { PipelineRunInfo } from '../pipeline/read-pipeline-run';
import { createRegistry } from '../registry/create-registry';
import type { RegisteredModel } from '../models/registered-model';
import type { ModelRegistry } from '../registry/model-registry';
import type { RegistryConfig } from '../registry/registry-config';
import { buildPromotionResult } from '../report/build-promotion-result';
import { PROMOTION_RESULT_ATTACHMENT_TYPE, type PromotionResult } from '../report/promotion-result';
import { renderPromotionSummary } from '../report/render-promotion-summary';
import { filterPlants } from './filter-plants';
import { loadRunInputs } from './load-run-inputs';
import { mapWithConcurrency } from './map-with-concurrency';
import type { ModelOutcome } from './model-outcome';
import { publishReport } from './publish-report';
import { settleApprovedModel, type SettledModel } from './settle-approved-model';
import type { TaskConfig } from './task-config';
import { warnUnmatched } from './warn-unmatched';

export const PROMOTION_SUMMARY_FILE = 'promotion_summary.md';

export interface PromotionDeps {
  host: PipelineHost;
  now(): Date;
  pipelineRun: PipelineRunInfo;
  /** Builds the registry from its configuration; `createRegistry` when not set. */
  createRegistry?(config: RegistryConfig): ModelRegistry;
}

/**
 * Runs PromoteModels: load and validate the input files, decide every model, keep the plants
 * of this job, check the registry and promote the approved models, then write and publish
 * promotion_result.json, set the output variables and the task result.
 *
 * Invalid inputs throw before anything is promoted or written. Once promotion starts, a failing
 * model ends as `failed` and the others go on, and the result file is always written.
 */
export async function runPromotion(config: TaskConfig, deps: PromotionDeps): Promise<PromotionResult> {
  const { host } = deps;
  if (config.registry === undefined) {
    throw new InputError([{ source: 'input registryType', location: '', message: 'No registry is configured', allowed: 'local' }]);
  }

  host.info('Loading the models, approval and approvers files.');
  const registry = (deps.createRegistry ?? ((registryConfig) => createRegistry(registryConfig, { now: deps.now, setSecret: (value) => deps.host.setSecret(value) })))(config.registry);
  const inputs = await loadRunInputs(config, host, workspaceModelLister(config, registry, host));
  host.info(`Loaded ${inputs.models.length} models and ${inputs.approvalFile.entries.size} approval entries.`);
  const nameProblems = registry.checkModels?.(inputs.models) ?? [];
  if (nameProblems.length > 0) {
    throw new ModelsFileError(config.modelsQuery === undefined ? config.modelsFile : `workspace models tagged ${config.modelsQuery.tags}`, nameProblems);
  }
  // A result file that cannot be written would fail the task after the promotions, so it is checked first.
  const resultFileProblem = await findWriteProblem(config.resultFile);
  if (resultFileProblem !== undefined) {
    throw new InputError([
      { source: 'input resultFile', location: '', message: `${config.resultFile} ${resultFileProblem}`, allowed: 'a file path in a writable folder, such as $(Build.ArtifactStagingDirectory)/promotion_result.json' },
    ]);
  }

  const decided = decideRun(inputs.models, { approvalFile: inputs.approvalFile, approvers: inputs.approvers, unlistedModels: config.unlistedModels });
  const selection = filterPlants(decided.decisions, decided.unmatched, config.plants);
  reportSelection(host, config, selection.decisions.length, selection.plantsWithoutModels);
  warnUnmatched(host, selection.unmatched, path.basename(config.resultFile));

  const outcomes = await settleModels(selection.decisions, config, { ...deps, registry, approvalFileSha256: inputs.approvalFileSha256 });

  const result = buildPromotionResult(outcomes, selection.unmatched, {
    generatedAt: deps.now(),
    pipelineRun: deps.pipelineRun,
    approvalFile: { path: config.approvalFile.path, sha256: inputs.approvalFileSha256 },
    registry: { type: registry.type, target: registry.target },
    dryRun: config.dryRun,
    plantsFilter: config.plants,
  });
  await publishReport(
    {
      filePath: config.resultFile,
      content: result,
      artifactName: config.artifactName,
      attachmentType: PROMOTION_RESULT_ATTACHMENT_TYPE,
      summary: { fileName: PROMOTION_SUMMARY_FILE, markdown: renderPromotionSummary(result) },
    },
    host,
  );
  setOutputs(host, result, config.resultFile);
  const [taskResult, message] = promotionTaskResult(result, config);
  host.setResult(taskResult, message);
  return result;
}

/** Returns the function that lists the run's models when they come from the registry's workspace (`modelsSource: workspace`). */
function workspaceModelLister(config: TaskConfig, registry: ModelRegistry, host: PipelineHost): (() => Promise<RegisteredModel[]>) | undefined {
  const query = config.modelsQuery;
  if (query === undefined || registry.listRunModels === undefined) {
    return undefined;
  }
  const listRunModels = registry.listRunModels.bind(registry);
  return () => listRunModels({ tags: query.tags, plantIdPattern: config.plantIdPattern }, (line) => host.debug(line));
}

interface SettleDeps extends PromotionDeps {
  registry: ModelRegistry;
  approvalFileSha256: string;
}

/** Settles every model: pending and rejected ones at once, approved ones through the registry with bounded concurrency. */
async function settleModels(decisions: ModelDecision[], config: TaskConfig, deps: SettleDeps): Promise<ModelOutcome[]> {
  const { host } = deps;
  const total = decisions.length;
  let settledCount = 0;
  const finish = (settled: SettledModel): ModelOutcome => {
    const { outcome } = settled;
    host.group(`${groupTitle(outcome.decision)} — ${outcome.status}`, settled.lines);
    if (outcome.status === 'failed') {
      host.warning(`Promotion of ${outcome.decision.key} failed: ${outcome.error ?? outcome.reason}`);
    }
    settledCount += 1;
    host.progress((settledCount / total) * 100, `${settledCount} of ${total} models settled`);
    return outcome;
  };

  const outcomes = decisions.filter((decision) => decision.outcome !== 'approved').map((decision) => finish(settleUnapprovedModel(decision, deps.now)));

  const approved = decisions.filter((decision) => decision.outcome === 'approved');
  host.info(
    config.dryRun
      ? `Dry run: checking ${approved.length} approved model(s) against ${deps.registry.type} registry ${deps.registry.target} without promoting.`
      : `Promoting ${approved.length} approved model(s) to ${deps.registry.type} registry ${deps.registry.target}, at most ${config.concurrency} at a time.`,
  );
  const options = { registry: deps.registry, dryRun: config.dryRun, now: deps.now, approvalFileSha256: deps.approvalFileSha256, workingDirectory: config.workingDirectory };
  const promoted = await mapWithConcurrency(approved, config.concurrency, async (decision) => finish(await settleApprovedModel(decision, options)));
  return [...outcomes, ...promoted];
}

function settleUnapprovedModel(decision: ModelDecision, now: () => Date): SettledModel {
  const status = decision.outcome === 'rejected' ? 'rejected' : 'pending_approval';
  const lines = [`${status === 'rejected' ? 'Rejected' : 'Pending approval'}: ${decision.reason}`];
  if (decision.outcome === 'pending' && decision.missingApprovers.length > 0) {
    lines.push(`Waiting for: ${decision.missingApprovers.map((approver) => `${approver.name} <${approver.email}>`).join(', ')}`);
  }
  return { outcome: { decision, status, reason: decision.reason, at: now().toISOString() }, lines };
}

function groupTitle(decision: ModelDecision): string {
  return `${decision.model.plantId}/${decision.model.modelName}:${decision.model.version}`;
}

function reportSelection(host: PipelineHost, config: TaskConfig, selectedCount: number, plantsWithoutModels: string[]): void {
  if (config.plants.length > 0) {
    host.info(`Handling plants ${config.plants.join(', ')}: ${selectedCount} model(s).`);
  }
  for (const plant of plantsWithoutModels) {
    host.warning(`Plant ${plant} of input plants has no model in this run. Check the spelling; plant IDs are compared exactly as written.`);
  }
}

function setOutputs(host: PipelineHost, result: PromotionResult, resultFile: string): void {
  host.setOutput('promotedCount', String(result.counts.promoted));
  host.setOutput('pendingCount', String(result.counts.pending_approval));
  host.setOutput('rejectedCount', String(result.counts.rejected));
  host.setOutput('skippedCount', String(result.counts.skipped));
  host.setOutput('failedCount', String(result.counts.failed));
  host.setOutput('resultFile', resultFile);
}

/** Failed when any promotion failed; otherwise `resultOnPending` when models wait or were rejected; else Succeeded. */
export function promotionTaskResult(result: PromotionResult, config: Pick<TaskConfig, 'resultOnPending' | 'dryRun'>): [TaskResultKind, string] {
  const { counts } = result;
  const promotedText = config.dryRun ? `${counts.would_promote ?? 0} would be promoted (dry run)` : `${counts.promoted} promoted`;
  const message = `${promotedText}, ${counts.pending_approval} pending approval, ${counts.rejected} rejected, ${counts.skipped} already promoted, ${counts.failed} failed.`;
  if (counts.failed > 0) {
    return ['Failed', `${counts.failed} model promotion(s) failed: ${message}`];
  }
  if (counts.pending_approval + counts.rejected > 0) {
    const kinds: Record<TaskConfig['resultOnPending'], TaskResultKind> = { succeeded: 'Succeeded', succeededWithIssues: 'SucceededWithIssues', failed: 'Failed' };
    return [kinds[config.resultOnPending], message];
  }
  return ['Succeeded', message];
}
