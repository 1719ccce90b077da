import type { ResultStatus } from '../../../src/report/promotion-result';
import { RESULT_STATUSES, STATUS_LABELS, type StatusCounts } from '../report-model';
import { el, formatCount } from './dom';

export interface StatusSummaryProps {
  counts: StatusCounts;
  total: number;
  /** Status the table is filtered to, or '' for all. */
  selected: ResultStatus | '';
  onSelect(status: ResultStatus | ''): void;
}

/** Renders one card per status with its count. A click on a card filters the table to that status. */
export function renderStatusSummary(props: StatusSummaryProps): HTMLElement {
  const card = (status: ResultStatus | '', label: string, count: number): HTMLElement => {
    const button = el(
      'button',
      {
        className: `status-card status-card--${status || 'total'}`,
        attributes: {
          type: 'button',
          'data-status': status || 'total',
          'aria-pressed': String(props.selected === status),
          title: status ? `Show only ${label.toLowerCase()} models` : 'Show all models',
        },
      },
      el('span', 'status-card__count', formatCount(count)),
      el('span', 'status-card__label', label),
    );
    button.addEventListener('click', () => props.onSelect(props.selected === status ? '' : status));
    return button;
  };

  return el(
    'section',
    { className: 'status-summary', attributes: { 'aria-label': 'Models per status' } },
    card('', 'Total', props.total),
    ...RESULT_STATUSES.filter((status) => status !== 'would_promote' || props.counts.would_promote > 0).map((status) =>
      card(status, STATUS_LABELS[status], props.counts[status]),
    ),
  );
}

/** Renders the coloured label of one status. */
export function renderStatusBadge(status: ResultStatus): HTMLElement {
  return el('span', { className: `badge badge--${status}`, attributes: { 'data-status': status } }, STATUS_LABELS[status]);
}
