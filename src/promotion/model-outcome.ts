import type { ModelDecision } from '../decision/decision';
import type { ResultStatus } from '../report/promotion-result';

/** The final status of one model of the run, with its reason; each model gets exactly one. */
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
