// Loads the built summary tab (dist/web) in headless Chromium inside a host page that speaks
// the Azure DevOps extension SDK handshake, with attachments served over HTTP from fixtures.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';
import type { PromotionResult } from '../../src/report/promotion-result';
import { startTabHost, type FixtureAttachment, type Scenario, type TabHost } from '../servers/tab-host/tab-host-server';
import { APPROVERS, HOSTILE, countStatuses, emptyResult, hostileResult, matrixResults, addEntry } from './promotion-fixtures';

const ROOT = path.resolve(__dirname, '..', '..');
const WEB_ROOT = path.join(ROOT, 'dist', 'web');
const SCREENSHOTS = path.join(ROOT, 'images', 'screenshots');
const CHROMIUM = '/usr/bin/chromium';

interface HostEvent {
  method: string;
  message?: string;
  contributionId?: string;
}

const matrix = [...matrixResults(3, 50, 100), hostileResult()];
matrix[0].pipeline_run.attempt = '2';

/** Builds the first attempt of the first matrix job, which failed every model and was rerun. */
function firstAttemptOfJobOne(): PromotionResult {
  const result = emptyResult(matrix[0].pipeline_run.job ?? '', '2026-12-04T09:00:00.000Z');
  for (const entry of matrix[0].promoted) addEntry(result, { ...entry, status: 'failed', reason: 'timed out' });
  return result;
}

function attachment(index: number, result: PromotionResult | string, name = `promotion_result_${index + 1}.json`): FixtureAttachment {
  return {
    name,
    timelineId: 'b7e1a9d0-0000-4000-8000-000000000001',
    recordId: `c0ffee00-0000-4000-8000-00000000000${index + 1}`,
    body: typeof result === 'string' ? result : JSON.stringify(result),
  };
}

function stageResult(): PromotionResult {
  const result = emptyResult('Release stage Production', '2026-12-04T12:00:00.000Z');
  addEntry(result, {
    model_name: 'plant007-circuit01-model',
    version: '3',
    plant_id: 'PLANT007',
    status: 'promoted',
    key: 'PLANT007:plant007-circuit01-model:3',
    reason: 'approved by alice.williams@company.com',
    approved_by: ['alice.williams@company.com'],
    registry_url: 'https://ml.azure.com/registries/plant-models/models/plant007-circuit01-model/version/3',
  });
  return result;
}

const scenarios: Record<string, Scenario> = {
  showcase: { kind: 'build', buildId: 100, attachments: matrixResults(2, 6, 12).map((result, index) => attachment(index, result)) },
  // Every job names its attachment alike, as the task does; the record IDs tell them apart.
  matrix: {
    kind: 'build',
    buildId: 101,
    attachments: [...matrix, firstAttemptOfJobOne()].map((result, index) => attachment(index, result, 'promotion_result.json')),
  },
  empty: { kind: 'build', buildId: 102, attachments: [] },
  'server-error': { kind: 'build', buildId: 103, attachments: { status: 500 } },
  partial: {
    kind: 'build',
    buildId: 104,
    attachments: [
      attachment(0, matrixResults(1, 2, 5)[0]),
      { ...attachment(1, ''), body: { status: 500 } },
      attachment(2, '{"schema_version": 1, "promoted": [tru'),
    ],
  },
  'release-stage': {
    kind: 'release-stage',
    releaseId: 7,
    environmentId: 3,
    planId: 'plan-of-second-attempt',
    attachments: [attachment(0, stageResult())],
  },
};

async function hostEvents(page: Page): Promise<HostEvent[]> {
  return page.evaluate(() => (globalThis as unknown as { hostEvents: HostEvent[] }).hostEvents);
}

/** Waits until the tab sends the host its load notification, and returns that event. */
async function waitForLoadNotification(page: Page): Promise<HostEvent> {
  await page.waitForFunction(() =>
    (globalThis as unknown as { hostEvents?: HostEvent[] }).hostEvents?.some((event) => event.method.startsWith('notifyLoad')),
  );
  const events = (await hostEvents(page)).filter((event) => event.method.startsWith('notifyLoad'));
  assert.equal(events.length, 1, `expected one load notification, got ${JSON.stringify(events)}`);
  return events[0];
}

async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, name) });
}

describe('promotion tab in Chromium', function () {
  let browser: Browser;
  let host: TabHost;
  let page: Page;
  let tab: FrameLocator;
  let dialogs: string[];

  before(async function () {
    assert.ok(existsSync(path.join(WEB_ROOT, 'promotion-tab.js')), 'dist/web is missing: run `npm run build` first');
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with \`apt-get install -y chromium\``);
    host = await startTabHost(WEB_ROOT, scenarios);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async function () {
    await browser?.close();
    await host?.close();
  });

  beforeEach(async function () {
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    dialogs = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    tab = page.frameLocator('#tab');
  });

  afterEach(async function () {
    await page.close();
  });

  async function open(scenario: string): Promise<HostEvent> {
    await page.goto(host.pageUrl(scenario));
    return waitForLoadNotification(page);
  }

  describe('with a 5,000-model matrix run', function () {
    const expected = countStatuses(matrix);
    const total = Object.values(expected).reduce((sum, count) => sum + count, 0);

    it('notifies load succeeded after the handshake', async function () {
      const notification = await open('matrix');

      assert.equal(notification.method, 'notifyLoadSucceeded');
      const events = await hostEvents(page);
      assert.equal(events[0].method, 'initialHandshake');
      assert.ok(events.some((event) => event.method === 'getAccessToken'), 'the REST calls asked the host for a token');
      const requests = host.requests.filter((request) => request.path.includes('/builds/101/'));
      assert.equal(requests.length, 2 + matrix.length, 'one list request and one download per attachment');
      for (const request of requests) {
        assert.equal(request.authorization, 'Bearer test-access-token', request.path);
      }
    });

    it('shows the counts of every status', async function () {
      await open('matrix');

      assert.equal(total, 5001);
      assert.equal(await tab.locator('[data-status="total"] .status-card__count').textContent(), '5,001');
      for (const [status, count] of Object.entries(expected)) {
        const card = tab.locator(`.status-card[data-status="${status}"] .status-card__count`);
        if (count === 0) {
          assert.equal(await card.count(), 0, `no card for ${status}`);
        } else {
          assert.equal(await card.textContent(), count.toLocaleString('en-US'), `count of ${status}`);
        }
      }
      assert.equal(await tab.locator('#match-count').textContent(), '5,001 models');
      assert.match((await tab.locator('#report-meta').textContent()) ?? '', /^4 results merged .* 1 from earlier job attempts not shown$/);
    });

    it('pages the table 100 rows at a time', async function () {
      await open('matrix');

      assert.equal(await tab.locator('#results-table .model-row').count(), 100);
      assert.equal(await tab.locator('#pager-page').textContent(), 'Page 1 of 51');
      assert.equal(await tab.locator('.plant-row[data-plant="PLANT001"] .plant-row__count').textContent(), '100 models');

      await tab.locator('#page-last').click();
      assert.equal(await tab.locator('#pager-page').textContent(), 'Page 51 of 51');
      assert.equal(await tab.locator('#results-table .model-row').count(), 1);
    });

    it('shows model fields and the job column', async function () {
      await open('matrix');

      const row = tab.locator('.model-row[data-key="PLANT001:plant001-circuit01-model:1"]');
      assert.equal(await row.locator('.cell-model').textContent(), 'plant001-circuit01-model');
      assert.equal(await row.locator('.cell-version').textContent(), '1');
      assert.equal(await row.locator('.cell-status').textContent(), 'Promoted');
      assert.equal(await row.locator('.cell-reason').textContent(), `approved by ${APPROVERS[1]}`);
      assert.equal(await row.locator('.cell-source').textContent(), 'Promote plants_1');
      assert.equal(
        await row.locator('.cell-registry a').getAttribute('href'),
        'https://ml.azure.com/registries/plant-models/models/plant001-circuit01-model/version/1',
      );
      assert.equal(await row.locator('.cell-registry a').getAttribute('rel'), 'noopener noreferrer');
    });

    it('filters by plant and status', async function () {
      await open('matrix');
      const plantRows = matrix.flatMap((result) => result.pending_approval).filter((entry) => entry.plant_id === 'PLANT002');

      await tab.locator('#filter-plant').selectOption('PLANT002');
      await tab.locator('#filter-status').selectOption('pending_approval');

      assert.equal(await tab.locator('#results-table .model-row').count(), plantRows.length);
      assert.equal(await tab.locator('#match-count').textContent(), `${plantRows.length} of 5,001 models`);
      const statuses = await tab.locator('#results-table .cell-status').allTextContents();
      assert.ok(statuses.every((text) => text === 'Pending approval'), statuses.join(','));
      const waiting = await tab.locator('#results-table .cell-waiting').allTextContents();
      assert.ok(waiting.every((text) => text === APPROVERS[2]), waiting.join(','));
    });

    it('filters by clicking a status card', async function () {
      await open('matrix');

      await tab.locator('.status-card[data-status="failed"]').click();

      assert.equal(await tab.locator('#filter-status').inputValue(), 'failed');
      assert.equal(await tab.locator('#results-table .model-row').count(), expected.failed);
      assert.match((await tab.locator('#results-table .cell-reason').first().textContent()) ?? '', /HTTP 503/);
    });

    it('searches reasons and approvers', async function () {
      await open('matrix');
      const carol = matrix
        .flatMap((result) => [...result.promoted, ...result.pending_approval, ...result.rejected, ...result.skipped, ...result.failed])
        .filter((entry) => [...(entry.approvers ?? []), entry.reason].some((text) => text.includes('carol.nguyen')));

      await tab.locator('#filter-search').fill('carol.nguyen waiting');
      await tab.locator('#match-count').filter({ hasText: ' of 5,001 models' }).waitFor();

      const waitingForCarol = carol.filter((entry) => entry.reason.startsWith('waiting for'));
      assert.equal(await tab.locator('#match-count').textContent(), `${waitingForCarol.length} of 5,001 models`);

      await tab.locator('#filter-search').fill('no-such-model');
      await tab.locator('#no-match').waitFor();
      assert.equal(await tab.locator('#no-match').textContent(), 'No model matches these filters.');

      await tab.locator('#filter-clear').click();
      assert.equal(await tab.locator('#match-count').textContent(), '5,001 models');
      assert.equal(await tab.locator('#filter-search').inputValue(), '');
    });

    it('lists pending models by approver', async function () {
      await open('matrix');

      const queue = tab.locator(`.pending-queue[data-approver="${APPROVERS[0]}"]`);
      const expectedQueue = matrix
        .flatMap((result) => result.pending_approval)
        .filter((entry) => entry.waiting_for?.includes(APPROVERS[0])).length;
      assert.equal(await queue.locator('.pending-queue__count').textContent(), expectedQueue.toLocaleString('en-US'));

      await queue.locator('button').click();
      assert.equal(await tab.locator('#filter-status').inputValue(), 'pending_approval');
      assert.equal(await tab.locator('#filter-waiting').inputValue(), `approver:${APPROVERS[0]}`);
      assert.equal(await tab.locator('#match-count').textContent(), `${expectedQueue.toLocaleString('en-US')} of 5,001 models`);
      const waiting = await tab.locator('#results-table .cell-waiting').allTextContents();
      assert.ok(waiting.every((text) => text.includes(APPROVERS[0])), waiting.join(','));
      await screenshot(page, 'promotion-tab-pending.png');
    });

    it('renders hostile text as plain text', async function () {
      await open('matrix');
      await tab.locator('#filter-search').fill('onerror');
      await tab.locator('#match-count').filter({ hasText: '1 of 5,001 models' }).waitFor();

      const row = tab.locator('#results-table .model-row');
      assert.equal(await row.locator('.cell-model').textContent(), HOSTILE.model);
      assert.equal(await row.locator('.cell-version').textContent(), HOSTILE.version);
      assert.equal(await row.locator('.cell-reason').textContent(), HOSTILE.reason);
      assert.equal(await row.locator('.cell-waiting').textContent(), HOSTILE.approver);
      assert.equal(await row.locator('.cell-source').textContent(), 'Promote <u>hostile</u> job');
      assert.equal(await tab.locator('.plant-row th .plant-row__name').textContent(), HOSTILE.plant);
      assert.equal(await row.locator('.cell-registry a').count(), 0, 'a javascript: registry link is not rendered');

      await tab.locator('#unmatched-approvals summary').click();
      assert.match((await tab.locator('#unmatched-approvals').textContent()) ?? '', /<a href=x>y<\/a>.*this run has <i>6<\/i>/);

      for (const tag of ['img', 'svg', 'script', 'iframe', 'b', 'u', 'i', '#unmatched-approvals a']) {
        assert.equal(await tab.locator(`#app ${tag}`).count(), 0, `no <${tag}> element from result text`);
      }
      assert.deepEqual(dialogs, []);
      await screenshot(page, 'promotion-tab-hostile-text.png');
    });
  });

  it('renders a two-job run for the screenshot', async function () {
    const notification = await open('showcase');

    assert.equal(notification.method, 'notifyLoadSucceeded');
    assert.equal(await tab.locator('#match-count').textContent(), '72 models');
    await screenshot(page, 'promotion-tab.png');
  });

  it('reloads the attachments on refresh', async function () {
    await open('showcase');
    const listRequests = () => host.requests.filter((request) => request.path.endsWith('/builds/100/attachments/promotion-result'));
    const before = listRequests().length;

    await tab.locator('#filter-plant').selectOption('PLANT002');
    await tab.locator('#refresh').click();
    await tab.locator('#match-count').filter({ hasText: /^72 models$/ }).waitFor();

    assert.equal(listRequests().length, before + 1);
    assert.equal(await tab.locator('#filter-plant').inputValue(), '');
    const notifications = (await hostEvents(page)).filter((event) => event.method.startsWith('notifyLoad'));
    assert.equal(notifications.length, 1, 'the host is notified once per page load');
  });

  it('shows the empty state when the run has no results', async function () {
    const notification = await open('empty');

    assert.equal(notification.method, 'notifyLoadSucceeded');
    assert.equal(await tab.locator('#state-empty .state__title').textContent(), 'No promotion results in this run');
    await screenshot(page, 'promotion-tab-empty.png');
  });

  it('shows the error state on HTTP 500', async function () {
    const notification = await open('server-error');

    assert.equal(notification.method, 'notifyLoadFailed');
    assert.match(notification.message ?? '', /HTTP 500/);
    assert.equal(await tab.locator('#state-error .state__title').textContent(), 'The promotion results could not be loaded');
    assert.match((await tab.locator('#state-error-message').textContent()) ?? '', /HTTP 500 while listing the attachments/);
    assert.equal(await tab.locator('#retry').textContent(), 'Try again');
    await screenshot(page, 'promotion-tab-error.png');
  });

  it('lists attachments that could not be read', async function () {
    const notification = await open('partial');

    assert.equal(notification.method, 'notifyLoadSucceeded');
    assert.equal(await tab.locator('#results-table .model-row').count(), 10);
    const problems = await tab.locator('#attachment-problems li').allTextContents();
    assert.equal(problems.length, 2);
    assert.match(problems[0], /^promotion_result_2\.json: Simulated server error 500/);
    assert.match(problems[1], /^promotion_result_3\.json: not valid JSON/);
  });

  it('reads the latest attempt of a release stage', async function () {
    const notification = await open('release-stage');

    assert.equal(notification.method, 'notifyLoadSucceeded');
    assert.equal(await tab.locator('#results-table .model-row').count(), 1);
    assert.equal(await tab.locator('#results-table .cell-model').textContent(), 'plant007-circuit01-model');
    assert.ok(
      host.requests.some((request) => request.path.includes('/attempts/2/plan/plan-of-second-attempt/attachments/promotion-result')),
      'the attachments of attempt 2 were listed',
    );
  });
});
