import type { ResultEntry } from '../../../src/report/promotion-result';
import { safeRegistryLink, type ReportRow } from '../report-model';
import { el, formatCount, formatTime, type Child } from './dom';
import { renderStatusBadge } from './status-summary';

/** Rows per page. Rendering stays well under a frame's budget at this size whatever the total. */
export const PAGE_SIZE = 100;

export interface ResultsTableProps {
  rows: readonly ReportRow[];
  /** Zero-based page; clamped to the last page. */
  page: number;
  /** Adds a Job column when the run merged results from more than one job. */
  showSource: boolean;
  onPageChange(page: number): void;
}

const COLUMNS = ['Model', 'Version', 'Status', 'Reason', 'Approvers', 'Waiting for', 'Time', 'Registry'];

export function pageCount(rowCount: number): number {
  return Math.max(1, Math.ceil(rowCount / PAGE_SIZE));
}

/** Renders one page of models, grouped under a header row per plant, and the pager. */
export function renderResultsTable(props: ResultsTableProps): HTMLElement {
  const pages = pageCount(props.rows.length);
  const page = Math.min(Math.max(props.page, 0), pages - 1);
  const first = page * PAGE_SIZE;
  const visible = props.rows.slice(first, first + PAGE_SIZE);
  const columns = props.showSource ? [...COLUMNS, 'Job'] : COLUMNS;

  const plantSizes = countRowsPerPlant(props.rows);
  const body = el('tbody');
  let plant: string | undefined;
  for (const row of visible) {
    if (row.entry.plant_id !== plant) {
      plant = row.entry.plant_id;
      body.appendChild(renderPlantRow(plant, plantSizes.get(plant) ?? 0, columns.length));
    }
    body.appendChild(renderModelRow(row, props.showSource));
  }

  const table = el(
    'table',
    { className: 'results-table', attributes: { id: 'results-table' } },
    el('thead', {}, el('tr', {}, ...columns.map((name) => el('th', { attributes: { scope: 'col' } }, name)))),
    body,
  );

  return el(
    'section',
    { className: 'results', attributes: { 'aria-label': 'Models by plant' } },
    el('div', 'results__scroll', table),
    renderPager(page, pages, first, visible.length, props.rows.length, props.onPageChange),
  );
}

function countRowsPerPlant(rows: readonly ReportRow[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const row of rows) {
    sizes.set(row.entry.plant_id, (sizes.get(row.entry.plant_id) ?? 0) + 1);
  }
  return sizes;
}

function renderPlantRow(plant: string, count: number, span: number): HTMLElement {
  return el(
    'tr',
    { className: 'plant-row', attributes: { 'data-plant': plant } },
    el(
      'th',
      { attributes: { colspan: String(span), scope: 'rowgroup' } },
      el('span', 'plant-row__name', plant),
      el('span', 'plant-row__count', `${formatCount(count)} ${count === 1 ? 'model' : 'models'}`),
    ),
  );
}

function renderModelRow(row: ReportRow, showSource: boolean): HTMLElement {
  const { entry } = row;
  const cells: Child[] = [
    el('td', 'cell-model', entry.model_name),
    el('td', 'cell-version', entry.version),
    el('td', 'cell-status', renderStatusBadge(entry.status), row.dryRun ? el('span', 'dry-run-mark', 'dry run') : null),
    el('td', 'cell-reason', entry.reason, entry.error ? el('div', 'cell-reason__error', entry.error) : null),
    el('td', 'cell-approvers', renderApprovers(entry)),
    el('td', 'cell-waiting', renderList(entry.waiting_for)),
    el('td', 'cell-time', el('time', { attributes: { datetime: row.at } }, formatTime(row.at))),
    el('td', 'cell-registry', renderRegistryLink(entry)),
    showSource ? el('td', 'cell-source', row.source) : null,
  ];
  return el('tr', { className: 'model-row', attributes: { 'data-key': entry.key } }, ...cells);
}

function renderApprovers(entry: ResultEntry): Child {
  if (entry.approved_by?.length) {
    return el('span', {}, el('span', 'muted', 'Approved by '), entry.approved_by.join(', '));
  }
  if (entry.approvers?.length) {
    const policy = entry.approval_policy === 'all' ? 'All of ' : 'Any of ';
    return el('span', {}, el('span', 'muted', policy), entry.approvers.join(', '));
  }
  return el('span', 'muted', '—');
}

function renderList(values: readonly string[] | undefined): Child {
  return values?.length ? values.join(', ') : el('span', 'muted', '—');
}

function renderRegistryLink(entry: ResultEntry): Child {
  const href = safeRegistryLink(entry.registry_url);
  if (!href) return el('span', 'muted', '—');
  return el(
    'a',
    {
      className: 'link',
      attributes: { href, target: '_blank', rel: 'noopener noreferrer', title: href },
    },
    'Open',
  );
}

function renderPager(
  page: number,
  pages: number,
  first: number,
  visibleCount: number,
  total: number,
  onPageChange: (page: number) => void,
): HTMLElement {
  const button = (label: string, target: number, id: string) => {
    const element = el('button', { className: 'button', attributes: { type: 'button', id } }, label);
    element.disabled = target < 0 || target >= pages || target === page;
    element.addEventListener('click', () => onPageChange(target));
    return element;
  };
  const range = total === 0 ? 'No models' : `Models ${formatCount(first + 1)}–${formatCount(first + visibleCount)} of ${formatCount(total)}`;
  return el(
    'nav',
    { className: 'pager', attributes: { 'aria-label': 'Pages' } },
    el('span', { className: 'pager__range', attributes: { id: 'pager-range' } }, range),
    button('First', 0, 'page-first'),
    button('Previous', page - 1, 'page-previous'),
    el('span', { className: 'pager__page', attributes: { id: 'pager-page' } }, `Page ${page + 1} of ${pages}`),
    button('Next', page + 1, 'page-next'),
    button('Last', pages - 1, 'page-last'),
  );
}
