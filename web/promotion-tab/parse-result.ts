// Reads one promotion_result.json attachment. The tab checks the fields it renders, because a
// truncated upload or a file from a newer task version must produce a readable problem rather
// than a blank page or a half-filled table.
import {
  PROMOTION_RESULT_SCHEMA_VERSION,
  type PromotionResult,
  type ResultStatus,
} from '../../src/report/promotion-result';

const ENTRY_LISTS = ['promoted', 'pending_approval', 'rejected', 'skipped', 'failed'] as const;
const STATUSES: readonly string[] = ['promoted', 'pending_approval', 'rejected', 'already_promoted', 'failed', 'would_promote'];
const REQUIRED_ENTRY_TEXT = ['model_name', 'version', 'plant_id', 'key', 'reason'] as const;
const OPTIONAL_ENTRY_TEXT = ['rule', 'registry_url', 'error', 'at', 'approval_policy'] as const;
const OPTIONAL_ENTRY_LISTS = ['approvers', 'waiting_for', 'approved_by'] as const;

/** Raised when an attachment is not a promotion result this tab can show. */
export class ResultFormatError extends Error {
  override name = 'ResultFormatError';

  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
  }
}

/** Decodes UTF-8 (with or without a byte-order mark) and checks the document's shape. */
export function parsePromotionResult(content: ArrayBuffer | string): PromotionResult {
  const text = typeof content === 'string' ? content : new TextDecoder('utf-8').decode(content);
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new ResultFormatError([`not valid JSON (${(error as Error).message})`]);
  }
  const problems = checkDocument(document);
  if (problems.length > 0) {
    throw new ResultFormatError(problems);
  }
  return document as PromotionResult;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkDocument(document: unknown): string[] {
  if (!isRecord(document)) {
    return ['the document is not a JSON object'];
  }
  const version = document.schema_version;
  if (typeof version !== 'number') {
    return ['/schema_version is missing; expected a number'];
  }
  if (version > PROMOTION_RESULT_SCHEMA_VERSION) {
    return [
      `/schema_version is ${version} but this tab reads version ${PROMOTION_RESULT_SCHEMA_VERSION}; update the extension`,
    ];
  }

  const problems: string[] = [];
  if (typeof document.generated_at !== 'string') problems.push('/generated_at is missing; expected an ISO 8601 time');
  if (typeof document.dry_run !== 'boolean') problems.push('/dry_run is missing; expected true or false');
  if (!isRecord(document.pipeline_run)) problems.push('/pipeline_run is missing; expected an object');
  for (const list of ENTRY_LISTS) {
    const entries = document[list];
    if (!Array.isArray(entries)) {
      problems.push(`/${list} is missing; expected an array of models`);
      continue;
    }
    entries.forEach((entry, index) => problems.push(...checkEntry(entry, `/${list}/${index}`)));
  }
  // Only dry runs write this list, and results from before it existed lack it.
  const wouldPromote = document.would_promote;
  if (wouldPromote !== undefined) {
    if (Array.isArray(wouldPromote)) {
      wouldPromote.forEach((entry, index) => problems.push(...checkEntry(entry, `/would_promote/${index}`)));
    } else {
      problems.push('/would_promote is not an array of models');
    }
  }
  // Report the first problems only: a broken generator repeats one mistake thousands of times.
  return problems.length > 5 ? [...problems.slice(0, 5), `and ${problems.length - 5} more problems`] : problems;
}

function checkEntry(entry: unknown, pointer: string): string[] {
  if (!isRecord(entry)) {
    return [`${pointer} is not an object`];
  }
  const problems: string[] = [];
  for (const field of REQUIRED_ENTRY_TEXT) {
    if (typeof entry[field] !== 'string') problems.push(`${pointer}/${field} is missing; expected a string`);
  }
  for (const field of OPTIONAL_ENTRY_TEXT) {
    if (entry[field] !== undefined && typeof entry[field] !== 'string') {
      problems.push(`${pointer}/${field} is not a string`);
    }
  }
  for (const field of OPTIONAL_ENTRY_LISTS) {
    const value = entry[field];
    if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
      problems.push(`${pointer}/${field} is not a list of strings`);
    }
  }
  if (!STATUSES.includes(entry.status as ResultStatus)) {
    problems.push(`${pointer}/status is ${JSON.stringify(entry.status)}; expected one of ${STATUSES.join(', ')}`);
  }
  return problems;
}
