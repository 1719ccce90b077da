import type { AttachmentProblem } from '../report-model';
import { el } from './dom';

/** Shown while the attachments download. */
export function renderLoading(): HTMLElement {
  return el(
    'div',
    { className: 'state state--loading', attributes: { id: 'state-loading', role: 'status' } },
    el('span', { className: 'spinner', attributes: { 'aria-hidden': 'true' } }),
    el('p', 'state__title', 'Loading promotion results…'),
  );
}

/** Shown when the run has no promotion result attachment. */
export function renderEmpty(): HTMLElement {
  return el(
    'div',
    { className: 'state state--empty', attributes: { id: 'state-empty', role: 'status' } },
    el('p', 'state__title', 'No promotion results in this run'),
    el(
      'p',
      'state__detail',
      'The PromoteModels and RequestApprovals tasks attach their results when they finish. ' +
        'If the run is still in progress, refresh this tab after those tasks complete.',
    ),
  );
}

/** Shown when the results could not be loaded; `message` names the cause. */
export function renderError(message: string, problems: readonly AttachmentProblem[] = [], onRetry?: () => void): HTMLElement {
  let retry: HTMLButtonElement | null = null;
  if (onRetry) {
    retry = el('button', { className: 'button state__action', attributes: { type: 'button', id: 'retry' } }, 'Try again');
    retry.addEventListener('click', onRetry);
  }
  return el(
    'div',
    { className: 'state state--error', attributes: { id: 'state-error', role: 'alert' } },
    el('p', 'state__title', 'The promotion results could not be loaded'),
    el('p', { className: 'state__detail', attributes: { id: 'state-error-message' } }, message),
    problems.length > 0 ? renderProblemList(problems) : null,
    retry,
  );
}

/** Attachments that were skipped while the others were shown. */
export function renderProblems(problems: readonly AttachmentProblem[]): HTMLElement | null {
  if (problems.length === 0) return null;
  const count = problems.length === 1 ? '1 result attachment' : `${problems.length} result attachments`;
  return el(
    'div',
    { className: 'notice notice--warning', attributes: { id: 'attachment-problems', role: 'alert' } },
    el('p', 'notice__title', `${count} could not be read, so the models in them are missing below.`),
    renderProblemList(problems),
  );
}

function renderProblemList(problems: readonly AttachmentProblem[]): HTMLElement {
  return el(
    'ul',
    'problem-list',
    ...problems.map((problem) => el('li', {}, el('span', 'problem-list__name', problem.attachmentName), `: ${problem.message}`)),
  );
}
