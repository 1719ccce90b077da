import type { ResultStatus } from '../../../src/report/promotion-result';
import { RESULT_STATUSES, STATUS_LABELS, type RowFilter } from '../report-model';
import { el, formatCount } from './dom';

export interface FilterBarProps {
  plants: readonly string[];
  filter: RowFilter;
  total: number;
  onChange(filter: RowFilter): void;
}

/** A filter bar that stays in the page while the table re-renders, so the search box keeps focus. */
export interface FilterBar {
  element: HTMLElement;
  /** Shows `filter` in the controls and `matchCount` in the count label. */
  sync(filter: RowFilter, matchCount: number): void;
}

/** Waits this long after the last key press before filtering, so typing stays smooth. */
const SEARCH_DELAY_MS = 150;

function option(value: string, label: string): HTMLOptionElement {
  return el('option', { attributes: { value } }, label);
}

/** Plant and status pickers, a text search and the number of matching models. */
export function createFilterBar(props: FilterBarProps): FilterBar {
  let current = props.filter;
  const change = (next: Partial<RowFilter>) => props.onChange({ ...current, ...next });

  const plant = el(
    'select',
    { className: 'filter__control', attributes: { id: 'filter-plant' } },
    option('', 'All plants'),
    ...props.plants.map((id) => option(id, id)),
  );
  plant.addEventListener('change', () => change({ plant: plant.value }));

  const status = el(
    'select',
    { className: 'filter__control', attributes: { id: 'filter-status' } },
    option('', 'All statuses'),
    ...RESULT_STATUSES.map((value) => option(value, STATUS_LABELS[value])),
  );
  status.addEventListener('change', () => change({ status: status.value as ResultStatus | '' }));

  const search = el('input', {
    className: 'filter__control filter__search',
    attributes: {
      id: 'filter-search',
      type: 'search',
      placeholder: 'Model, version, reason or approver',
      autocomplete: 'off',
      spellcheck: 'false',
    },
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => change({ search: search.value }), SEARCH_DELAY_MS);
  });

  const clear = el('button', { className: 'button', attributes: { type: 'button', id: 'filter-clear' } }, 'Clear filters');
  clear.addEventListener('click', () => {
    clearTimeout(timer);
    props.onChange({ plant: '', status: '', search: '' });
  });

  const count = el('span', { className: 'filter-bar__count', attributes: { id: 'match-count', 'aria-live': 'polite' } });

  const element = el(
    'div',
    { className: 'filter-bar', attributes: { role: 'search' } },
    el('label', { className: 'filter', attributes: { for: 'filter-plant' } }, el('span', 'filter__label', 'Plant'), plant),
    el('label', { className: 'filter', attributes: { for: 'filter-status' } }, el('span', 'filter__label', 'Status'), status),
    el('label', { className: 'filter filter--grow', attributes: { for: 'filter-search' } }, el('span', 'filter__label', 'Search'), search),
    clear,
    count,
  );

  const sync = (filter: RowFilter, matchCount: number) => {
    current = filter;
    plant.value = filter.plant;
    status.value = filter.status;
    if (search.value !== filter.search) search.value = filter.search;
    const active = filter.plant !== '' || filter.status !== '' || filter.search !== '';
    clear.disabled = !active;
    count.textContent = active
      ? `${formatCount(matchCount)} of ${formatCount(props.total)} models`
      : `${formatCount(props.total)} models`;
  };
  sync(props.filter, props.total);
  return { element, sync };
}
