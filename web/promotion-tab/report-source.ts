// Report sources: the loaders behind `PromotionReportSource`. The components see only that
// interface, so the build tab, the release tabs and test fixtures feed the same rendering.
import { PROMOTION_RESULT_ATTACHMENT_TYPE } from '../../src/report/promotion-result';
import { parsePromotionResult } from './parse-result';
import type { AttachmentProblem, LoadedResult, PromotionReport } from './report-model';

/** Loads every promotion result attached to one pipeline run. */
export interface PromotionReportSource {
  load(): Promise<PromotionReport>;
}

/** The two calls of azure-devops-extension-api's `BuildRestClient` that the tab makes. */
export interface BuildAttachmentClient {
  getAttachments(project: string, buildId: number, type: string): Promise<{ name: string; _links: unknown }[]>;
  getAttachment(
    project: string,
    buildId: number,
    timelineId: string,
    recordId: string,
    type: string,
    name: string,
  ): Promise<ArrayBuffer>;
}

/** The calls of azure-devops-extension-api's `ReleaseRestClient` that the tab makes. */
export interface ReleaseAttachmentClient {
  getRelease(project: string, releaseId: number): Promise<{ environments?: ReleaseEnvironmentLike[] }>;
  getReleaseTaskAttachments(
    project: string,
    releaseId: number,
    environmentId: number,
    attemptId: number,
    planId: string,
    type: string,
  ): Promise<{ name: string; recordId: string; timelineId: string }[]>;
  getReleaseTaskAttachmentContent(
    project: string,
    releaseId: number,
    environmentId: number,
    attemptId: number,
    planId: string,
    timelineId: string,
    recordId: string,
    type: string,
    name: string,
  ): Promise<ArrayBuffer>;
}

/** The parts of a release environment (stage) that locate its task attachments. */
export interface ReleaseEnvironmentLike {
  id: number;
  deploySteps?: { attempt: number; releaseDeployPhases?: { runPlanId?: string }[] }[];
}

/** Timeline and record IDs of a build attachment, read from its `_links.self.href`. */
export interface AttachmentLocation {
  timelineId: string;
  recordId: string;
}

/**
 * Reads the timeline and record IDs from an attachment's self link. `Attachment` carries no
 * record ID field, so the link is the only place they appear. Two shapes occur:
 * `…/builds/{buildId}/{timelineId}/{recordId}/attachments/{type}/{name}` and
 * `…/timelines/{timelineId}/records/{recordId}/attachments/{type}/{name}`.
 */
export function parseAttachmentLink(href: string): AttachmentLocation | undefined {
  let path: string;
  try {
    path = new URL(href).pathname;
  } catch {
    return undefined;
  }
  const segments = path.split('/').filter((segment) => segment.length > 0);
  const attachments = segments.lastIndexOf('attachments');
  if (attachments < 2) return undefined;

  if (segments[attachments - 2] === 'records' && attachments >= 4 && segments[attachments - 4] === 'timelines') {
    return { timelineId: segments[attachments - 3], recordId: segments[attachments - 1] };
  }
  return { timelineId: segments[attachments - 2], recordId: segments[attachments - 1] };
}

function selfLink(links: unknown): string | undefined {
  const self = (links as { self?: { href?: unknown } } | undefined)?.self;
  return typeof self?.href === 'string' ? self.href : undefined;
}

function describeError(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return String(error);
}

/** Reads the results that the tasks of one build (YAML or classic) attached. */
export class BuildReportSource implements PromotionReportSource {
  constructor(
    private readonly client: BuildAttachmentClient,
    private readonly project: string,
    private readonly buildId: number,
  ) {}

  async load(): Promise<PromotionReport> {
    const type = PROMOTION_RESULT_ATTACHMENT_TYPE;
    const attachments = await this.client.getAttachments(this.project, this.buildId, type);
    const results: LoadedResult[] = [];
    const problems: AttachmentProblem[] = [];

    await Promise.all(
      attachments.map(async (attachment) => {
        const href = selfLink(attachment._links);
        const location = href ? parseAttachmentLink(href) : undefined;
        if (!location) {
          problems.push({
            attachmentName: attachment.name,
            message: `its link ${JSON.stringify(href ?? '')} names no timeline record, so it cannot be downloaded`,
          });
          return;
        }
        try {
          const content = await this.client.getAttachment(
            this.project,
            this.buildId,
            location.timelineId,
            location.recordId,
            type,
            attachment.name,
          );
          results.push({ attachmentName: attachment.name, recordId: location.recordId, result: parsePromotionResult(content) });
        } catch (error) {
          problems.push({ attachmentName: attachment.name, message: describeError(error) });
        }
      }),
    );
    return { results, problems };
  }
}

/**
 * Reads the results attached in a classic release: in every stage of the release, or in one
 * stage when `environmentId` is given (the stage tab of the release progress view).
 */
export class ReleaseReportSource implements PromotionReportSource {
  constructor(
    private readonly client: ReleaseAttachmentClient,
    private readonly project: string,
    private readonly releaseId: number,
    private readonly environmentId?: number,
  ) {}

  async load(): Promise<PromotionReport> {
    const release = await this.client.getRelease(this.project, this.releaseId);
    const environments = (release.environments ?? []).filter(
      (environment) => this.environmentId === undefined || environment.id === this.environmentId,
    );
    const results: LoadedResult[] = [];
    const problems: AttachmentProblem[] = [];

    // Only the latest attempt of each stage counts: a redeployment replaces the earlier result.
    const plans = environments.flatMap((environment) => {
      const latest = environment.deploySteps?.at(-1);
      if (!latest) return [];
      return (latest.releaseDeployPhases ?? [])
        .filter((phase) => phase.runPlanId)
        .map((phase) => ({ environmentId: environment.id, attempt: latest.attempt, planId: phase.runPlanId as string }));
    });

    await Promise.all(
      plans.map(async (plan) => {
        const type = PROMOTION_RESULT_ATTACHMENT_TYPE;
        const attachments = await this.client.getReleaseTaskAttachments(
          this.project, this.releaseId, plan.environmentId, plan.attempt, plan.planId, type,
        );
        await Promise.all(
          attachments.map(async (attachment) => {
            try {
              const content = await this.client.getReleaseTaskAttachmentContent(
                this.project, this.releaseId, plan.environmentId, plan.attempt, plan.planId,
                attachment.timelineId, attachment.recordId, type, attachment.name,
              );
              results.push({ attachmentName: attachment.name, recordId: attachment.recordId, result: parsePromotionResult(content) });
            } catch (error) {
              problems.push({ attachmentName: attachment.name, message: describeError(error) });
            }
          }),
        );
      }),
    );
    return { results, problems };
  }
}
