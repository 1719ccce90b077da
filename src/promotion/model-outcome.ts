import type { ModelDecision } from '../decision/decision';
import type { ResultStatus } from '../report/promotion-result';

/** Where one model of the run ended: exactly one status per model. */
export interface ModelOutcome {
  decision: ModelDecision;
  status: ResultStatus;
  /** One sentence for the log, the result file and the summary. */
  reason: string;
  registryUrl?: string;
  error?: string;
  attempts?: number;
  /** ISO 8601 time the outcome was settled. */
  at: string;
}
