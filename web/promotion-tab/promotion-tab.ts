// Entry point of the "Model promotion" tab. Works out which run the tab is showing from the
// host's context and picks the matching report source. Once the handshake completes, the page
// always ends by telling the host that it loaded (notifyLoadSucceeded) or failed
// (notifyLoadFailed with the reason).
import * as SDK from 'azure-devops-extension-sdk';
import { getClient, type IProjectPageService } from 'azure-devops-extension-api';
import { BuildRestClient, BuildServiceIds, type IBuildPageDataService } from 'azure-devops-extension-api/Build';
import { ReleaseRestClient } from 'azure-devops-extension-api/Release';
import { replaceChildren } from './components/dom';
import { renderError } from './components/states';
import { PromotionView, type LoadOutcome } from './promotion-view';
import { BuildReportSource, ReleaseReportSource, type PromotionReportSource } from './report-source';

/** Must equal `registeredObjectId` of the release stage tab in contribution.json. */
const RELEASE_STAGE_OBJECT_ID = 'model-promotion-release-stage';

/** `CommonServiceIds.ProjectPageService`, a const enum that an isolated-module build cannot read. */
const PROJECT_PAGE_SERVICE = 'ms.vss-tfs-web.tfs-page-data-service';

/** How long the page waits for each reply of the host before it shows an error. */
const HOST_TIMEOUT_MS = 15_000;

interface ReleaseEnvironmentContext {
  id: number;
  releaseId: number;
}

interface TabConfiguration {
  /** Set by the release progress view's stage tab. */
  releaseEnvironment?: ReleaseEnvironmentContext;
  /** Set by the classic release summary tab; the host calls back with the release. */
  onReleaseChanged?: (handler: (release: { id: number }) => void) => void;
}

/**
 * Rejects when `promise` takes longer than HOST_TIMEOUT_MS. An XDM call whose reply never comes
 * stays pending for ever, and the page must still reach a load notification.
 */
function withTimeout<T>(promise: Promise<T>, step: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${step} timed out: Azure DevOps sent no reply within ${HOST_TIMEOUT_MS / 1000} s`)),
      HOST_TIMEOUT_MS,
    );
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

async function main(root: HTMLElement): Promise<void> {
  try {
    await withTimeout(SDK.init({ loaded: false, applyTheme: true }), 'The extension handshake');
  } catch (error) {
    // Without a handshake there is no host to notify, so the page can only explain itself.
    const reason = error instanceof Error ? error.message : String(error);
    replaceChildren(root, renderError(`${reason}. Open this page from a pipeline run.`));
    return;
  }

  let outcome: LoadOutcome;
  try {
    const project = await withTimeout(getProjectId(), 'Reading the project');
    const config = SDK.getConfiguration() as TabConfiguration;
    const source = await withTimeout(createSource(project, config), 'Reading the pipeline run');
    const view = new PromotionView(root, source);
    SDK.register(RELEASE_STAGE_OBJECT_ID, {
      updateContext: (context: TabConfiguration) => {
        if (context.releaseEnvironment) void showStage(root, project, context.releaseEnvironment);
      },
    });
    outcome = await view.load();
  } catch (error) {
    const message = `The tab could not find the pipeline run it belongs to: ${error instanceof Error ? error.message : String(error)}`;
    replaceChildren(root, renderError(message));
    outcome = { kind: 'failed', message };
  }

  if (outcome.kind === 'failed') {
    await SDK.notifyLoadFailed(outcome.message);
  } else {
    await SDK.notifyLoadSucceeded();
  }
}

async function getProjectId(): Promise<string> {
  const projectService = await SDK.getService<IProjectPageService>(PROJECT_PAGE_SERVICE);
  const project = await projectService.getProject();
  if (!project?.id) throw new Error('the host reported no project for this page');
  return project.id;
}

async function createSource(project: string, config: TabConfiguration): Promise<PromotionReportSource> {
  if (config.releaseEnvironment) {
    const { releaseId, id } = config.releaseEnvironment;
    return new ReleaseReportSource(getClient(ReleaseRestClient), project, releaseId, id);
  }
  // NOTE: only the release stage path above runs in the browser tests. This classic release
  // summary path follows the documented onReleaseChanged callback and is untested.
  if (typeof config.onReleaseChanged === 'function') {
    const release = await new Promise<{ id: number }>((resolve) => config.onReleaseChanged?.(resolve));
    return new ReleaseReportSource(getClient(ReleaseRestClient), project, release.id);
  }

  const pageData = await SDK.getService<IBuildPageDataService>(BuildServiceIds.BuildPageDataService);
  const build = (await pageData.getBuildPageData())?.build;
  if (!build) throw new Error('the host reported no build for this page');
  return new BuildReportSource(getClient(BuildRestClient), project, build.id);
}

async function showStage(root: HTMLElement, project: string, environment: ReleaseEnvironmentContext): Promise<void> {
  const source = new ReleaseReportSource(getClient(ReleaseRestClient), project, environment.releaseId, environment.id);
  await new PromotionView(root, source).load();
}

const root = document.getElementById('app');
if (root) void main(root);
