import * as path from 'node:path';

import { decideRun } from '../decision/decide-run';
import type { PipelineHost } from '../pipeline/pipeline-host';
import type { PipelineRunInfo } from '../pipeline/read-pipeline-run';
import { APPROVAL_REQUEST_ATTACHMENT_TYPE, buildApprovalRequest, type ApprovalRequest } from '../report/approval-request';
import { filterPlants } from './filter-plants';
import { loadRunInputs } from './load-run-inputs';
import { publishReport } from './publish-report';
import type { TaskConfig } from './task-config';
import { warnUnmatched } from './warn-unmatched';

export interface RequestDeps {
  host: PipelineHost;
  now(): Date;
  pipelineRun: PipelineRunInfo;
}

/**
 * Runs RequestApprovals: load and decide as PromoteModels does, then write and publish
 * approval_request.json with one entry per model that still needs a decision. The registry is
 * not consulted, and invalid inputs throw before anything is written.
 */
export async function runRequest(config: TaskConfig, deps: RequestDeps): Promise<ApprovalRequest> {
  const { host } = deps;

  host.info('Loading the models, approval and approvers files.');
  const inputs = await loadRunInputs(config, host);

  const decided = decideRun(inputs.models, { approvalFile: inputs.approvalFile, approvers: inputs.approvers, unlistedModels: config.unlistedModels });
  const selection = filterPlants(decided.decisions, decided.unmatched, config.plants);
  for (const plant of selection.plantsWithoutModels) {
    host.warning(`Plant ${plant} of input plants has no model in this run. Check the spelling; plant IDs are compared exactly as written.`);
  }
  warnUnmatched(host, selection.unmatched, path.basename(config.resultFile));

  const request = buildApprovalRequest(selection.decisions, selection.unmatched, {
    generatedAt: deps.now(),
    pipelineRun: deps.pipelineRun,
    approvalFile: { path: config.approvalFile.path, sha256: inputs.approvalFileSha256 },
    plantsFilter: config.plants,
  });
  for (const entry of request.requests) {
    const waitingFor = entry.waiting_for.length > 0 ? ` Waiting for ${entry.waiting_for.join(', ')}.` : '';
    host.info(`Needs a decision: ${entry.key}. ${entry.reason}${waitingFor}`);
  }

  await publishReport({ filePath: config.resultFile, content: request, artifactName: config.artifactName, attachmentType: APPROVAL_REQUEST_ATTACHMENT_TYPE }, host);
  host.setOutput('requestCount', String(request.counts.requests));
  host.setOutput('approvedCount', String(request.counts.approved));
  host.setOutput('rejectedCount', String(request.counts.rejected));
  host.setOutput('requestFile', config.resultFile);
  host.setResult('Succeeded', `${request.counts.requests} model(s) need a decision, ${request.counts.approved} approved, ${request.counts.rejected} rejected.`);
  return request;
}
