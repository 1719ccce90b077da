/** One thing wrong with an input file: where it is, the bad value and what is accepted. */
export interface Problem {
  /** File path or input name the problem was found in. */
  source: string;
  /** JSON pointer, approval key or `line:column` inside the source; empty when the whole source is wrong. */
  location: string;
  /** Description of the fault, as a sentence without the location. */
  message: string;
  /** The offending value, quoted as found (already shortened for display). */
  value?: string;
  /** The accepted values or form. */
  allowed?: string;
}

export function formatProblem(problem: Problem): string {
  const where = problem.location ? `${problem.source} ${problem.location}` : problem.source;
  let text = `${where}: ${problem.message}`;
  if (problem.value !== undefined) {
    text += ` (found ${problem.value})`;
  }
  if (problem.allowed !== undefined) {
    text += `. Allowed: ${problem.allowed}`;
  }
  return text;
}

/** Base class of every error the extension raises on purpose; `code` is stable for callers to branch on. */
export class PromotionError extends Error {
  override name = 'PromotionError';
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Maximum number of problems a `ValidationError` message spells out. A generated file with
 * thousands of bad entries would otherwise print the same multi-megabyte line as the error
 * issue and again as the task result message.
 */
export const MAX_LISTED_PROBLEMS = 100;

/** Errors that list every problem found in one input, so the user can fix them all at once. */
export class ValidationError extends PromotionError {
  override name = 'ValidationError';
  /** Every problem found, also those left out of the message. */
  readonly problems: Problem[];

  constructor(code: string, summary: string, problems: Problem[]) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((problem) => `  - ${formatProblem(problem)}`);
    if (problems.length > MAX_LISTED_PROBLEMS) {
      listed.push(`  - … and ${problems.length - MAX_LISTED_PROBLEMS} more problem(s), not listed here; fix these and run again to see the rest.`);
    }
    super(code, [summary, ...listed].join('\n'));
    this.problems = problems;
  }
}

export class InputError extends ValidationError {
  override name = 'InputError';

  constructor(problems: Problem[]) {
    super('INVALID_INPUT', `${problems.length} task input problem(s):`, problems);
  }
}

export class ApprovalFileError extends ValidationError {
  override name = 'ApprovalFileError';

  constructor(source: string, problems: Problem[]) {
    super('INVALID_APPROVAL_FILE', `Approval file ${source} is invalid (${problems.length} problem(s)); nothing was promoted:`, problems);
  }
}

export class ApproversFileError extends ValidationError {
  override name = 'ApproversFileError';

  constructor(source: string, problems: Problem[]) {
    super('INVALID_APPROVERS_FILE', `Approvers file ${source} is invalid (${problems.length} problem(s)); nothing was promoted:`, problems);
  }
}

export class ModelsFileError extends ValidationError {
  override name = 'ModelsFileError';

  constructor(source: string, problems: Problem[]) {
    super('INVALID_MODELS_FILE', `Models file ${source} is invalid (${problems.length} problem(s)); nothing was promoted:`, problems);
  }
}

/** A registry call that failed. `retryable` is true when another attempt may succeed. */
export class RegistryError extends PromotionError {
  override name = 'RegistryError';
  readonly status?: number;
  readonly requestId?: string;
  readonly retryable: boolean;

  constructor(message: string, fields: { status?: number; requestId?: string; retryable?: boolean; code?: string; cause?: unknown } = {}) {
    super(fields.code ?? 'REGISTRY_ERROR', message, { cause: fields.cause });
    this.status = fields.status;
    this.requestId = fields.requestId;
    this.retryable = fields.retryable ?? false;
  }
}

export class ArtifactPublishError extends PromotionError {
  override name = 'ArtifactPublishError';

  constructor(message: string, options?: { cause?: unknown }) {
    super('ARTIFACT_PUBLISH_FAILED', message, options);
  }
}

/** Returns the message of any thrown value, for logs and result files. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
