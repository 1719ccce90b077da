import type { ModelDecision, UnmatchedApproval } from '../decision/decision';

export interface PlantSelection {
  decisions: ModelDecision[];
  unmatched: UnmatchedApproval[];
  /** Plants of the filter that no model of the run belongs to, usually a typo or a plant with nothing registered. */
  plantsWithoutModels: string[];
}

/**
 * Keeps the models and unmatched approval entries of the plants this job handles, so each job
 * of a matrix reports only its own plants. An empty filter keeps everything. Plant IDs are
 * compared exactly as written.
 */
export function filterPlants(decisions: ModelDecision[], unmatched: UnmatchedApproval[], plants: string[]): PlantSelection {
  if (plants.length === 0) {
    return { decisions, unmatched, plantsWithoutModels: [] };
  }
  const selected = new Set(plants);
  const plantOfKey = (key: string): string => key.split(':')[0] ?? '';
  return {
    decisions: decisions.filter((decision) => selected.has(decision.model.plantId)),
    unmatched: unmatched.filter((entry) => selected.has(plantOfKey(entry.key))),
    plantsWithoutModels: plants.filter((plant) => !decisions.some((decision) => decision.model.plantId === plant)),
  };
}
