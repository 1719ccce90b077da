import type { ResultStatus } from '../../../src/report/promotion-result';
import { NO_FILTER, RESULT_STATUSES, STATUS_LABELS, type RowFilter } from '../report-model';
import { el, formatCount } from './dom';

export interface FilterBarProps {
  plants: readonly string[];
  /** Approvers that pending models wait for. */
  approvers: readonly string[];
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

// Option values of the approver picker. Approver names get a prefix, so no name can collide
// with the values for "no approver filter" and "pending without a name".
const ANY_APPROVER = 'any';
const NO_APPROVER_NAMED = 'none';
const APPROVER_PREFIX = 'approver:';

function option(value: string, label: string): HTMLOptionElement {
  return el('option', { attributes: { value } }, label);
}

function labelled(control: HTMLElement, label: string, className = 'filter'): HTMLElement {
  return el('label', { className, attributes: { for: control.id } }, el('span', 'filter__label', label), control);
}

/** Creates the plant, status and approver pickers, the text search and the count of matches. */
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

  const approver = el(
    'select',
    { className: 'filter__control', attributes: { id: 'filter-waiting' } },
    option(ANY_APPROVER, 'Anyone'),
    ...props.approvers.map((name) => option(APPROVER_PREFIX + name, name)),
    option(NO_APPROVER_NAMED, 'No approver named'),
  );
  approver.addEventListener('change', () => {
    const value = approver.value;
    if (value === ANY_APPROVER) {
      change({ waitingFor: null });
    } else if (value === NO_APPROVER_NAMED) {
      change({ waitingFor: '' });
    } else {
      change({ waitingFor: value.slice(APPROVER_PREFIX.length) });
    }
  });

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
    props.onChange(NO_FILTER);
  });

  const count = el('span', { className: 'filter-bar__count', attributes: { id: 'match-count', 'aria-live': 'polite' } });

  const element = el(
    'div',
    { className: 'filter-bar', attributes: { role: 'search' } },
    labelled(plant, 'Plant'),
    labelled(status, 'Status'),
    labelled(approver, 'Waiting for'),
    labelled(search, 'Search', 'filter filter--grow'),
    clear,
    count,
  );

  const sync = (filter: RowFilter, matchCount: number) => {
    current = filter;
    plant.value = filter.plant;
    status.value = filter.status;
    if (filter.waitingFor === null) {
      approver.value = ANY_APPROVER;
    } else if (filter.waitingFor === '') {
      approver.value = NO_APPROVER_NAMED;
    } else {
      approver.value = APPROVER_PREFIX + filter.waitingFor;
    }
    if (search.value !== filter.search) search.value = filter.search;

    const active = filter.plant !== '' || filter.status !== '' || filter.search !== '' || filter.waitingFor !== null;
    clear.disabled = !active;
    count.textContent = active
      ? `${formatCount(matchCount)} of ${formatCount(props.total)} models`
      : `${formatCount(props.total)} models`;
  };
  sync(props.filter, props.total);
  return { element, sync };
}
