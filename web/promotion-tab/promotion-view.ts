// The tab's page: loads the report through a `PromotionReportSource` and renders the loading,
// empty, error and result states into one root element.
import type { UnmatchedApprovalEntry } from '../../src/report/promotion-result';
import { el, formatCount, formatTime, replaceChildren } from './components/dom';
import { createFilterBar, type FilterBar } from './components/filter-bar';
import { renderPendingPanel } from './components/pending-panel';
import { renderResultsTable } from './components/results-table';
import { renderEmpty, renderError, renderLoading, renderProblems } from './components/states';
import { renderStatusSummary } from './components/status-summary';
import {
  countByStatus,
  dropSupersededAttempts,
  filterRows,
  groupPendingByApprover,
  listPlants,
  listWaitedForApprovers,
  mergeResults,
  NO_FILTER,
  type PromotionReport,
  type ReportRow,
  type RowFilter,
} from './report-model';
import type { PromotionReportSource } from './report-source';

/** Result of one load, which the entry point maps to notifyLoadSucceeded or notifyLoadFailed. */
export type LoadOutcome = { kind: 'results'; models: number } | { kind: 'empty' } | { kind: 'failed'; message: string };

export class PromotionView {
  private rows: ReportRow[] = [];
  private filtered: ReportRow[] = [];
  private filter: RowFilter = NO_FILTER;
  private page = 0;
  private showSource = false;
  private filterBar: FilterBar | undefined;
  private readonly summarySlot = el('div');
  private readonly tableSlot = el('div');

  constructor(
    private readonly root: HTMLElement,
    private readonly source: PromotionReportSource,
  ) {}

  /** Loads the report and renders it. Catches every error, so the caller can always notify the host. */
  async load(): Promise<LoadOutcome> {
    replaceChildren(this.root, renderLoading());
    let report: PromotionReport;
    try {
      report = await this.source.load();
    } catch (error) {
      const message = describeLoadError(error);
      replaceChildren(this.root, renderError(message, [], () => void this.load()));
      return { kind: 'failed', message };
    }

    const problems = [...report.problems].sort((a, b) => a.attachmentName.localeCompare(b.attachmentName));
    if (report.results.length === 0 && problems.length > 0) {
      const message = 'No promotion result attachment of this run could be read.';
      replaceChildren(this.root, renderError(message, problems, () => void this.load()));
      return { kind: 'failed', message };
    }
    if (report.results.length === 0) {
      replaceChildren(this.root, renderEmpty());
      return { kind: 'empty' };
    }

    try {
      this.showReport({ ...report, problems });
    } catch (error) {
      const message = `Rendering the results failed: ${error instanceof Error ? error.message : String(error)}`;
      replaceChildren(this.root, renderError(message));
      return { kind: 'failed', message };
    }
    return { kind: 'results', models: this.rows.length };
  }

  private showReport(loaded: PromotionReport): void {
    const { current, superseded } = dropSupersededAttempts(loaded.results);
    const report = { ...loaded, results: current };
    this.rows = mergeResults(report.results);
    this.showSource = new Set(this.rows.map((row) => row.source)).size > 1;
    this.filter = NO_FILTER;
    this.page = 0;

    const counts = countByStatus(this.rows);
    this.filterBar = createFilterBar({
      plants: listPlants(this.rows),
      approvers: listWaitedForApprovers(this.rows),
      filter: this.filter,
      total: this.rows.length,
      onChange: (filter) => this.applyFilter(filter),
    });

    replaceChildren(
      this.root,
      renderHeader(report, superseded, () => void this.load()),
      report.results.some((loaded) => loaded.result.dry_run) ? renderDryRunNotice() : null,
      renderProblems(report.problems),
      this.summarySlot,
      renderPendingPanel({
        queues: groupPendingByApprover(this.rows),
        pendingCount: counts.pending_approval,
        onShowApprover: (approver) => this.applyFilter({ ...NO_FILTER, status: 'pending_approval', waitingFor: approver }),
      }),
      renderUnmatchedApprovals(report),
      this.filterBar.element,
      this.tableSlot,
    );
    this.applyFilter(this.filter);
  }

  private applyFilter(filter: RowFilter): void {
    this.filter = filter;
    this.filtered = filterRows(this.rows, filter);
    this.page = 0;
    this.filterBar?.sync(filter, this.filtered.length);
    replaceChildren(
      this.summarySlot,
      renderStatusSummary({
        counts: countByStatus(this.rows),
        total: this.rows.length,
        selected: filter.status,
        onSelect: (status) => this.applyFilter({ ...this.filter, status }),
      }),
    );
    this.renderTable();
  }

  private renderTable(): void {
    if (this.filtered.length === 0) {
      replaceChildren(
        this.tableSlot,
        el('p', { className: 'no-match', attributes: { id: 'no-match' } }, 'No model matches these filters.'),
      );
      return;
    }
    replaceChildren(
      this.tableSlot,
      renderResultsTable({
        rows: this.filtered,
        page: this.page,
        showSource: this.showSource,
        onPageChange: (page) => {
          this.page = page;
          this.renderTable();
        },
      }),
    );
  }
}

function describeLoadError(error: unknown): string {
  const status = (error as { status?: unknown } | null)?.status;
  const detail = error instanceof Error && error.message ? error.message : String(error);
  return typeof status === 'number'
    ? `Azure DevOps returned HTTP ${status} while listing the attachments: ${detail}`
    : `Reading the attachments failed: ${detail}`;
}

function renderHeader(report: PromotionReport, superseded: number, onRefresh: () => void): HTMLElement {
  const jobs = report.results.length;
  const latest = report.results.map((loaded) => loaded.result.generated_at).sort().at(-1) ?? '';
  const registries = [...new Set(report.results.map((loaded) => `${loaded.result.registry.type}: ${loaded.result.registry.target}`))];

  const refresh = el('button', { className: 'button', attributes: { type: 'button', id: 'refresh' } }, 'Refresh');
  refresh.addEventListener('click', onRefresh);

  return el(
    'header',
    'page-header',
    el(
      'div',
      'page-header__text',
      el('h1', 'page-header__title', 'Model promotion'),
      el(
        'p',
        { className: 'page-header__meta', attributes: { id: 'report-meta' } },
        `${formatCount(jobs)} ${jobs === 1 ? 'result' : 'results'} merged · last written ${formatTime(latest)}`,
        registries.length > 0 ? ` · registry ${registries.join(', ')}` : '',
        superseded > 0 ? ` · ${formatCount(superseded)} from earlier job attempts not shown` : '',
      ),
    ),
    refresh,
  );
}

function renderDryRunNotice(): HTMLElement {
  return el(
    'div',
    { className: 'notice notice--info', attributes: { id: 'dry-run-notice' } },
    el('p', 'notice__title', 'Dry run: models marked "dry run" were decided but not promoted.'),
  );
}

function renderUnmatchedApprovals(report: PromotionReport): HTMLElement | null {
  const byKey = new Map<string, UnmatchedApprovalEntry>();
  for (const loaded of report.results) {
    for (const entry of loaded.result.unmatched_approvals ?? []) byKey.set(entry.key, entry);
  }
  if (byKey.size === 0) return null;

  const items = [...byKey.values()].map((entry) =>
    el(
      'li',
      {},
      el('code', {}, entry.key),
      ` (${entry.status})`,
      entry.near_miss ? el('span', 'muted', ` — this run has ${entry.near_miss}`) : null,
    ),
  );
  return el(
    'details',
    { className: 'panel unmatched', attributes: { id: 'unmatched-approvals' } },
    el('summary', 'panel__title', `Approval entries that match no model of this run (${formatCount(byKey.size)})`),
    el('ul', 'unmatched__list', ...items),
  );
}
