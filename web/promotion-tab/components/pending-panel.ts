import type { ApproverQueue } from '../report-model';
import { el, formatCount } from './dom';

/** Approvers listed before the rest are summarised as "and N more". */
const MAX_APPROVERS = 8;
/** Models listed under each approver before the rest are summarised. */
const MAX_MODELS = 4;

export interface PendingPanelProps {
  queues: readonly ApproverQueue[];
  pendingCount: number;
  /** Filters the table to the models pending for this approver. */
  onShowApprover(approver: string): void;
}

/** Renders the approvers that pending models wait for, the longest queue first. */
export function renderPendingPanel(props: PendingPanelProps): HTMLElement | null {
  if (props.pendingCount === 0) return null;

  const items = props.queues.slice(0, MAX_APPROVERS).map((queue) => {
    const name = queue.approver || 'No approver named';
    const show = el('button', { className: 'link-button', attributes: { type: 'button' } }, name);
    show.addEventListener('click', () => props.onShowApprover(queue.approver));

    const models = queue.rows
      .slice(0, MAX_MODELS)
      .map((row) => `${row.entry.plant_id} / ${row.entry.model_name}:${row.entry.version}`);
    const rest = queue.rows.length - models.length;

    return el(
      'li',
      { className: 'pending-queue', attributes: { 'data-approver': queue.approver } },
      el('div', 'pending-queue__head', show, el('span', 'pending-queue__count', formatCount(queue.rows.length))),
      el(
        'div',
        'pending-queue__models',
        models.join(', '),
        rest > 0 ? el('span', 'muted', ` and ${formatCount(rest)} more`) : null,
      ),
    );
  });
  const hidden = props.queues.length - items.length;

  return el(
    'section',
    { className: 'panel pending-panel', attributes: { id: 'pending-panel', 'aria-label': 'Waiting for approval' } },
    el(
      'h2',
      'panel__title',
      'Waiting for approval',
      el('span', 'panel__subtitle', `${formatCount(props.pendingCount)} ${props.pendingCount === 1 ? 'model' : 'models'}`),
    ),
    el('ul', 'pending-list', ...items),
    hidden > 0 ? el('p', 'muted', `and ${formatCount(hidden)} more approvers`) : null,
  );
}
