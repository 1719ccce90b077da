import type { PromotionResult } from '../report/promotion-result';
import type { TaskInputs } from './task-inputs';

export type PipelineRunInfo = PromotionResult['pipeline_run'];

/**
 * Reads which pipeline run this is from the agent's variables, with a link to the run:
 * the build results page in build and YAML runs, the release page in classic releases.
 * Fields the agent does not set are left out.
 */
export function readPipelineRun(inputs: TaskInputs): PipelineRunInfo {
  const hostType = inputs.variable('System.HostType') ?? 'build';
  const releaseId = inputs.variable('Release.ReleaseId');
  const isRelease = hostType === 'release' && releaseId !== undefined;

  const run: PipelineRunInfo = {
    id: isRelease ? releaseId : inputs.variable('Build.BuildId'),
    number: isRelease ? inputs.variable('Release.ReleaseName') : inputs.variable('Build.BuildNumber'),
    url: runUrl(inputs, isRelease ? `_releaseProgress?_a=release-pipeline-progress&releaseId=${encodeURIComponent(releaseId)}` : buildPage(inputs)),
    definition: isRelease ? inputs.variable('Release.DefinitionName') : inputs.variable('Build.DefinitionName'),
    job: inputs.variable('System.JobDisplayName') ?? inputs.variable('System.JobName'),
    attempt: inputs.variable('System.JobAttempt'),
  };
  return Object.fromEntries(Object.entries(run).filter(([, value]) => value !== undefined)) as PipelineRunInfo;
}

function buildPage(inputs: TaskInputs): string | undefined {
  const buildId = inputs.variable('Build.BuildId');
  return buildId === undefined ? undefined : `_build/results?buildId=${encodeURIComponent(buildId)}`;
}

function runUrl(inputs: TaskInputs, page: string | undefined): string | undefined {
  const collection = inputs.variable('System.CollectionUri') ?? inputs.variable('System.TeamFoundationCollectionUri');
  const project = inputs.variable('System.TeamProject');
  if (collection === undefined || project === undefined || page === undefined) {
    return undefined;
  }
  const base = collection.endsWith('/') ? collection : `${collection}/`;
  return `${base}${encodeURIComponent(project)}/${page}`;
}
