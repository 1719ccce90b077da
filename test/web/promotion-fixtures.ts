// Promotion results shaped like the ones the task writes, for the summary tab's browser tests.
// The generator is deterministic, so every test run gets the same models.
import type { PromotionResult, ResultEntry, ResultStatus } from '../../src/report/promotion-result';

const LIST_OF_STATUS: Record<ResultStatus, keyof Pick<PromotionResult, 'promoted' | 'pending_approval' | 'rejected' | 'skipped' | 'failed'> | 'would_promote'> = {
  promoted: 'promoted',
  pending_approval: 'pending_approval',
  rejected: 'rejected',
  already_promoted: 'skipped',
  failed: 'failed',
  would_promote: 'would_promote',
};

export const APPROVERS = ['alice.williams@company.com', 'bob.johnson@company.com', 'carol.nguyen@company.com'];

/** Text that must show up literally: each would run script or add an element if parsed as HTML. */
export const HOSTILE = {
  plant: 'PLANT<b>999</b>',
  model: '<img src=x onerror=alert(1)>',
  version: '"><svg onload=alert(2)>',
  reason: '<script>alert(3)</script> approved & "quoted"',
  approver: '<iframe src=javascript:alert(4)>',
  registryUrl: 'javascript:alert(5)',
};

export function emptyResult(job: string, generatedAt: string): PromotionResult {
  return {
    schema_version: 1,
    generated_at: generatedAt,
    task: 'PromoteModels',
    pipeline_run: { id: '4711', number: '20261204.3', job, attempt: '1' },
    approval_file: { path: 'approval_status.json', sha256: 'a'.repeat(64) },
    registry: { type: 'azureml', target: 'registries/plant-models' },
    dry_run: false,
    plants_filter: [],
    counts: { total: 0, promoted: 0, pending_approval: 0, rejected: 0, skipped: 0, failed: 0 },
    promoted: [],
    pending_approval: [],
    rejected: [],
    skipped: [],
    failed: [],
    unmatched_approvals: [],
  };
}

export function addEntry(result: PromotionResult, entry: ResultEntry): void {
  const list = LIST_OF_STATUS[entry.status];
  (result[list] ??= []).push(entry);
  result.counts.total += 1;
  if (list !== 'would_promote') result.counts[list] += 1;
}

/** Status of the n-th generated model: 60% promoted, 20% pending, 10% rejected, 10% already there, a few failed. */
function statusOf(index: number): ResultStatus {
  if (index % 97 === 13) return 'failed';
  const bucket = index % 10;
  if (bucket < 6) return 'promoted';
  if (bucket < 8) return 'pending_approval';
  return bucket === 8 ? 'rejected' : 'already_promoted';
}

function generatedEntry(plant: number, circuit: number, index: number): ResultEntry {
  const plantId = `PLANT${String(plant).padStart(3, '0')}`;
  const modelName = `plant${String(plant).padStart(3, '0')}-circuit${String(circuit).padStart(2, '0')}-model`;
  const version = String(1 + (index % 7));
  const status = statusOf(index);
  const approver = APPROVERS[plant % APPROVERS.length];
  const entry: ResultEntry = {
    model_name: modelName,
    version,
    plant_id: plantId,
    status,
    key: `${plantId}:${modelName}:${version}`,
    reason: '',
    approvers: [approver],
    approval_policy: 'any',
    at: new Date(Date.UTC(2026, 11, 4, 9, 0, index % 3600)).toISOString(),
  };
  switch (status) {
    case 'promoted':
      entry.reason = `approved by ${approver}`;
      entry.approved_by = [approver];
      entry.registry_url = `https://ml.azure.com/registries/plant-models/models/${modelName}/version/${version}`;
      break;
    case 'pending_approval':
      entry.reason = `waiting for ${approver}`;
      entry.waiting_for = [approver];
      break;
    case 'rejected':
      entry.reason = 'rejected in approval_status.json';
      break;
    case 'already_promoted':
      entry.reason = 'the registry already has this version';
      entry.registry_url = `https://ml.azure.com/registries/plant-models/models/${modelName}/version/${version}`;
      break;
    case 'failed':
      entry.reason = 'promotion failed after 3 attempts';
      entry.error = 'HTTP 503 from the registry: service unavailable';
      entry.attempts = 3;
      break;
    default:
      break;
  }
  return entry;
}

/**
 * Builds the results of a matrix run: `jobs` jobs share the plants round-robin, and each plant has `modelsPerPlant`
 * models, so `matrixResults(3, 50, 100)` gives 5,000 models.
 */
export function matrixResults(jobs: number, plants: number, modelsPerPlant: number): PromotionResult[] {
  const results = Array.from({ length: jobs }, (_, job) =>
    emptyResult(`Promote plants_${job + 1}`, new Date(Date.UTC(2026, 11, 4, 10, job, 0)).toISOString()),
  );
  let index = 0;
  for (let plant = 1; plant <= plants; plant += 1) {
    const result = results[(plant - 1) % jobs];
    result.plants_filter.push(`PLANT${String(plant).padStart(3, '0')}`);
    for (let circuit = 1; circuit <= modelsPerPlant; circuit += 1) {
      addEntry(result, generatedEntry(plant, circuit, index));
      index += 1;
    }
  }
  return results;
}

/** Builds one result whose every text field is hostile, plus an approval entry that matches nothing. */
export function hostileResult(): PromotionResult {
  const result = emptyResult('Promote <u>hostile</u> job', '2026-12-04T11:00:00.000Z');
  addEntry(result, {
    model_name: HOSTILE.model,
    version: HOSTILE.version,
    plant_id: HOSTILE.plant,
    status: 'pending_approval',
    key: `${HOSTILE.plant}:${HOSTILE.model}:${HOSTILE.version}`,
    reason: HOSTILE.reason,
    approvers: [HOSTILE.approver],
    waiting_for: [HOSTILE.approver],
    approval_policy: 'all',
    registry_url: HOSTILE.registryUrl,
    at: '2026-12-04T11:00:00.000Z',
  });
  result.unmatched_approvals.push({ key: `${HOSTILE.plant}:<a href=x>y</a>:5`, status: 'approved', near_miss: '<i>6</i>' });
  return result;
}

/** Number of entries per status over several results, counted from the documents. */
export function countStatuses(results: readonly PromotionResult[]): Record<ResultStatus, number> {
  const counts: Record<ResultStatus, number> = {
    promoted: 0,
    pending_approval: 0,
    rejected: 0,
    already_promoted: 0,
    failed: 0,
    would_promote: 0,
  };
  for (const result of results) {
    for (const list of ['promoted', 'pending_approval', 'rejected', 'skipped', 'failed', 'would_promote'] as const) {
      for (const entry of result[list] ?? []) counts[entry.status] += 1;
    }
  }
  return counts;
}
