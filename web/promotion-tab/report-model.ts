// Merges the promotion results of one run (one document per job of a matrix) into rows the
// tab renders, and filters them. Pure functions over plain data, so the components and the
// browser tests share one definition of what a row, a count and a filter match are.
import type { PromotionResult, ResultEntry, ResultStatus } from '../../src/report/promotion-result';

export const RESULT_STATUSES: readonly ResultStatus[] = [
  'promoted',
  'pending_approval',
  'rejected',
  'already_promoted',
  'failed',
  'would_promote',
];

export const STATUS_LABELS: Record<ResultStatus, string> = {
  promoted: 'Promoted',
  pending_approval: 'Pending approval',
  rejected: 'Rejected',
  already_promoted: 'Already promoted',
  failed: 'Failed',
  would_promote: 'Would promote',
};

/** One promotion_result.json attachment read from the run. */
export interface LoadedResult {
  /** Attachment name as the task added it. */
  attachmentName: string;
  /** Timeline record (task step) the attachment belongs to, when the service reports it. */
  recordId?: string;
  result: PromotionResult;
}

/** An attachment that could not be read; the tab shows the others and lists these. */
export interface AttachmentProblem {
  attachmentName: string;
  message: string;
}

/** Everything the report source found for the run. */
export interface PromotionReport {
  results: LoadedResult[];
  problems: AttachmentProblem[];
}

/** A model's entry together with the attachment and job it came from. */
export interface ReportRow {
  entry: ResultEntry;
  /** Job that wrote the result (`pipeline_run.job`), else the attachment name. */
  source: string;
  attachmentName: string;
  /** Time the outcome was settled: the entry's `at`, else the document's `generated_at`. */
  at: string;
  dryRun: boolean;
  /** Lower-cased text that the search box matches against. */
  searchText: string;
}

export type StatusCounts = Record<ResultStatus, number>;

export interface RowFilter {
  /** Plant ID, or '' for every plant. */
  plant: string;
  /** Status, or '' for every status. */
  status: ResultStatus | '';
  /** Free text; every whitespace-separated word must occur in the row. */
  search: string;
  /**
   * Approver that pending models still wait for, or null for no approver filter. '' selects
   * pending models that name nobody, as `groupPendingByApprover` does.
   */
  waitingFor: string | null;
}

export const NO_FILTER: RowFilter = { plant: '', status: '', search: '', waitingFor: null };

function waitsFor(row: ReportRow, approver: string): boolean {
  if (row.entry.status !== 'pending_approval') return false;
  const waitingFor = row.entry.waiting_for ?? [];
  return approver === '' ? waitingFor.length === 0 : waitingFor.includes(approver);
}

/** A pending model grouped under one approver it still waits for. */
export interface ApproverQueue {
  approver: string;
  rows: ReportRow[];
}

const RESULT_LISTS = ['promoted', 'pending_approval', 'rejected', 'skipped', 'failed', 'would_promote'] as const;

/**
 * Drops results that a later attempt of the same job replaced. A rerun of failed jobs adds a
 * new attachment while the earlier attempt's stays on the run, so both would otherwise count.
 * Results without a job name are always kept.
 */
export function dropSupersededAttempts(results: readonly LoadedResult[]): { current: LoadedResult[]; superseded: number } {
  const jobKey = (loaded: LoadedResult) => {
    const { job } = loaded.result.pipeline_run;
    return job ? `${loaded.result.task}\n${job}` : undefined;
  };
  const attemptOf = (loaded: LoadedResult) => {
    const attempt = Number(loaded.result.pipeline_run.attempt);
    return Number.isFinite(attempt) ? attempt : 1;
  };

  const latest = new Map<string, number>();
  for (const loaded of results) {
    const key = jobKey(loaded);
    if (key !== undefined) latest.set(key, Math.max(latest.get(key) ?? 0, attemptOf(loaded)));
  }
  const current = results.filter((loaded) => {
    const key = jobKey(loaded);
    return key === undefined || attemptOf(loaded) === latest.get(key);
  });
  return { current, superseded: results.length - current.length };
}

/** Flattens every result document into rows sorted by plant, model and version. */
export function mergeResults(results: readonly LoadedResult[]): ReportRow[] {
  const rows: ReportRow[] = [];
  for (const loaded of results) {
    const { result } = loaded;
    const source = result.pipeline_run.job || loaded.attachmentName;
    for (const list of RESULT_LISTS) {
      for (const entry of result[list] ?? []) {
        rows.push({
          entry,
          source,
          attachmentName: loaded.attachmentName,
          at: entry.at ?? result.generated_at,
          dryRun: result.dry_run,
          searchText: buildSearchText(entry, source),
        });
      }
    }
  }
  rows.sort(compareRows);
  return rows;
}

function buildSearchText(entry: ResultEntry, source: string): string {
  const parts = [
    entry.plant_id,
    entry.model_name,
    entry.version,
    entry.key,
    STATUS_LABELS[entry.status],
    entry.reason,
    entry.error ?? '',
    source,
    ...(entry.approvers ?? []),
    ...(entry.approved_by ?? []),
    ...(entry.waiting_for ?? []),
  ];
  return parts.join('\n').toLowerCase();
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareRows(a: ReportRow, b: ReportRow): number {
  return (
    collator.compare(a.entry.plant_id, b.entry.plant_id) ||
    collator.compare(a.entry.model_name, b.entry.model_name) ||
    collator.compare(a.entry.version, b.entry.version) ||
    collator.compare(a.source, b.source)
  );
}

export function countByStatus(rows: readonly ReportRow[]): StatusCounts {
  const counts: StatusCounts = {
    promoted: 0,
    pending_approval: 0,
    rejected: 0,
    already_promoted: 0,
    failed: 0,
    would_promote: 0,
  };
  for (const row of rows) {
    counts[row.entry.status] += 1;
  }
  return counts;
}

/** Distinct approvers that pending models wait for, in natural order. */
export function listWaitedForApprovers(rows: readonly ReportRow[]): string[] {
  const approvers = new Set<string>();
  for (const row of rows) {
    if (row.entry.status !== 'pending_approval') continue;
    for (const approver of row.entry.waiting_for ?? []) approvers.add(approver);
  }
  return [...approvers].sort(collator.compare);
}

/** Distinct plant IDs in natural order (PLANT2 before PLANT10). */
export function listPlants(rows: readonly ReportRow[]): string[] {
  const plants = new Set<string>();
  for (const row of rows) {
    plants.add(row.entry.plant_id);
  }
  return [...plants].sort(collator.compare);
}

export function filterRows(rows: readonly ReportRow[], filter: RowFilter): ReportRow[] {
  const words = filter.search.toLowerCase().split(/\s+/).filter((word) => word.length > 0);
  return rows.filter(
    (row) =>
      (filter.plant === '' || row.entry.plant_id === filter.plant) &&
      (filter.status === '' || row.entry.status === filter.status) &&
      (filter.waitingFor === null || waitsFor(row, filter.waitingFor)) &&
      words.every((word) => row.searchText.includes(word)),
  );
}

/**
 * Groups pending models by each approver they still wait for, largest queue first. A pending
 * model without a `waiting_for` list (for example a plain "pending" status) lands under ''.
 */
export function groupPendingByApprover(rows: readonly ReportRow[]): ApproverQueue[] {
  const queues = new Map<string, ReportRow[]>();
  for (const row of rows) {
    if (row.entry.status !== 'pending_approval') continue;
    const approvers = row.entry.waiting_for?.length ? row.entry.waiting_for : [''];
    for (const approver of approvers) {
      const queue = queues.get(approver) ?? [];
      queue.push(row);
      queues.set(approver, queue);
    }
  }
  return [...queues.entries()]
    .map(([approver, queued]) => ({ approver, rows: queued }))
    .sort((a, b) => b.rows.length - a.rows.length || collator.compare(a.approver, b.approver));
}

/** Returns the link only when it is http(s), so a result file cannot plant a `javascript:` URL. */
export function safeRegistryLink(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
