import type { PromotionResult, ResultEntry } from './promotion-result';

const STATUS_LABELS: Record<ResultEntry['status'], string> = {
  promoted: 'Promoted',
  would_promote: 'Would promote (dry run)',
  pending_approval: 'Pending approval',
  rejected: 'Rejected',
  already_promoted: 'Skipped (already promoted)',
  failed: 'Failed',
};

/**
 * Renders the markdown summary the agent shows on the run's Extensions tab: counts per plant,
 * then one table row per model. Model names, reasons and errors come from input files and
 * servers, so every cell is escaped and cannot break the table or inject HTML.
 */
export function renderPromotionSummary(result: PromotionResult): string {
  const entries = allEntries(result);
  const plants = [...new Set(entries.map((entry) => entry.plant_id))].sort();
  const lines: string[] = ['## Model promotion', ''];

  lines.push(
    `${result.counts.promoted} promoted, ${result.counts.pending_approval} pending approval, ${result.counts.rejected} rejected, ` +
      `${result.counts.skipped} skipped (already promoted), ${result.counts.failed} failed, out of ${result.counts.total} models.`,
  );
  if (result.dry_run) {
    lines.push('', `**Dry run:** nothing was promoted. Models a real run would promote: ${result.would_promote?.length ?? 0}.`);
  }
  lines.push('', `Registry: ${escapeCell(result.registry.type)} ${escapeCell(result.registry.target)}`);
  if (result.plants_filter.length > 0) {
    lines.push('', `Plants handled in this job: ${result.plants_filter.map(escapeCell).join(', ')}`);
  }

  if (plants.length > 0) {
    lines.push('', '| Plant | Promoted | Pending | Rejected | Skipped | Failed |', '| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const plant of plants) {
      const count = (status: ResultEntry['status']): number => entries.filter((entry) => entry.plant_id === plant && entry.status === status).length;
      const promoted = count('promoted') + count('would_promote');
      lines.push(`| ${escapeCell(plant)} | ${promoted} | ${count('pending_approval')} | ${count('rejected')} | ${count('already_promoted')} | ${count('failed')} |`);
    }
  }

  for (const plant of plants) {
    lines.push('', `### ${escapeCell(plant)}`, '', '| Model | Version | Status | Reason |', '| --- | --- | --- | --- |');
    for (const entry of entries.filter((item) => item.plant_id === plant)) {
      const reason = entry.error === undefined ? entry.reason : `${entry.reason} ${entry.error}`;
      lines.push(`| ${escapeCell(entry.model_name)} | ${escapeCell(entry.version)} | ${STATUS_LABELS[entry.status]} | ${escapeCell(reason)} |`);
    }
  }

  if (result.unmatched_approvals.length > 0) {
    lines.push('', '### Approval entries that match no model', '', '| Key | Status | Closest model |', '| --- | --- | --- |');
    // An approval file kept in git collects entries for every past version, so near misses come first and the table is cut.
    const nearMissesFirst = [...result.unmatched_approvals.filter((entry) => entry.near_miss !== undefined), ...result.unmatched_approvals.filter((entry) => entry.near_miss === undefined)];
    for (const unmatched of nearMissesFirst.slice(0, MAX_UNMATCHED_ROWS)) {
      lines.push(`| ${escapeCell(unmatched.key)} | ${escapeCell(unmatched.status)} | ${escapeCell(unmatched.near_miss ?? '')} |`);
    }
    if (nearMissesFirst.length > MAX_UNMATCHED_ROWS) {
      lines.push('', `${nearMissesFirst.length - MAX_UNMATCHED_ROWS} more entries are listed under \`unmatched_approvals\` in the result file.`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Maximum number of unmatched approval entries the summary shows. */
const MAX_UNMATCHED_ROWS = 100;

function allEntries(result: PromotionResult): ResultEntry[] {
  return [...result.promoted, ...(result.would_promote ?? []), ...result.pending_approval, ...result.rejected, ...result.skipped, ...result.failed];
}

/** Escapes text for one markdown table cell: backslashes, HTML characters, pipes and line breaks. */
export function escapeCell(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\r\n|\r|\n/g, '<br>');
}
