import assert from 'node:assert/strict';
import {
  countByStatus,
  dropSupersededAttempts,
  filterRows,
  groupPendingByApprover,
  listPlants,
  listWaitedForApprovers,
  mergeResults,
  NO_FILTER,
  safeRegistryLink,
  type LoadedResult,
} from '../../web/promotion-tab/report-model';
import { addEntry, emptyResult } from './promotion-fixtures';
import type { ResultEntry, ResultStatus } from '../../src/report/promotion-result';

function entry(plant: string, model: string, version: string, status: ResultStatus, extra: Partial<ResultEntry> = {}): ResultEntry {
  return { plant_id: plant, model_name: model, version, status, key: `${plant}:${model}:${version}`, reason: `${status} reason`, ...extra };
}

function twoJobs(): LoadedResult[] {
  const first = emptyResult('job A', '2026-12-04T10:00:00.000Z');
  addEntry(first, entry('PLANT10', 'plant10-model', '2', 'promoted'));
  addEntry(first, entry('PLANT2', 'plant2-model', '10', 'pending_approval', { waiting_for: ['bob', 'alice'] }));
  addEntry(first, entry('PLANT2', 'plant2-model', '9', 'pending_approval', { waiting_for: ['bob'] }));
  const second = emptyResult('', '2026-12-04T11:00:00.000Z');
  second.dry_run = true;
  addEntry(second, entry('PLANT2', 'plant2-other', '1', 'would_promote', { at: '2026-12-04T11:30:00.000Z' }));
  addEntry(second, entry('PLANT3', 'plant3-model', '1', 'pending_approval'));
  return [
    { attachmentName: 'first.json', result: first },
    { attachmentName: 'second.json', result: second },
  ];
}

describe('dropSupersededAttempts', function () {
  function attempt(job: string, number: string | undefined, task: 'PromoteModels' | 'RequestApprovals' = 'PromoteModels'): LoadedResult {
    const result = emptyResult(job, '2026-12-04T10:00:00.000Z');
    result.task = task;
    result.pipeline_run.attempt = number;
    return { attachmentName: `${task}-${job}-${String(number)}`, result };
  }

  it('keeps the latest attempt of each job', function () {
    const { current, superseded } = dropSupersededAttempts([attempt('A', '1'), attempt('A', '2'), attempt('B', '1')]);

    assert.deepEqual(current.map((loaded) => loaded.attachmentName), ['PromoteModels-A-2', 'PromoteModels-B-1']);
    assert.equal(superseded, 1);
  });

  it('keeps results without a job name', function () {
    const { current } = dropSupersededAttempts([attempt('', '1'), attempt('', '2')]);

    assert.equal(current.length, 2);
  });

  it('tells the two tasks of one job apart', function () {
    const { current } = dropSupersededAttempts([attempt('A', '1', 'RequestApprovals'), attempt('A', '2')]);

    assert.equal(current.length, 2);
  });

  it('counts a missing attempt as the first', function () {
    const { current } = dropSupersededAttempts([attempt('A', undefined), attempt('A', '2')]);

    assert.deepEqual(current.map((loaded) => loaded.attachmentName), ['PromoteModels-A-2']);
  });
});

describe('mergeResults', function () {
  it('sorts rows by plant, model and version naturally', function () {
    const keys = mergeResults(twoJobs()).map((row) => row.entry.key);

    assert.deepEqual(keys, [
      'PLANT2:plant2-model:9',
      'PLANT2:plant2-model:10',
      'PLANT2:plant2-other:1',
      'PLANT3:plant3-model:1',
      'PLANT10:plant10-model:2',
    ]);
  });

  it('keeps the job or attachment of each row', function () {
    const rows = mergeResults(twoJobs());

    assert.equal(rows.find((row) => row.entry.plant_id === 'PLANT10')?.source, 'job A');
    assert.equal(rows.find((row) => row.entry.plant_id === 'PLANT3')?.source, 'second.json');
    assert.equal(rows.find((row) => row.entry.plant_id === 'PLANT3')?.attachmentName, 'second.json');
  });

  it('takes the time from the entry, else the document', function () {
    const rows = mergeResults(twoJobs());

    assert.equal(rows.find((row) => row.entry.model_name === 'plant2-other')?.at, '2026-12-04T11:30:00.000Z');
    assert.equal(rows.find((row) => row.entry.model_name === 'plant3-model')?.at, '2026-12-04T11:00:00.000Z');
    assert.equal(rows.find((row) => row.entry.model_name === 'plant3-model')?.dryRun, true);
  });
});

describe('countByStatus', function () {
  it('counts every status including would_promote', function () {
    assert.deepEqual(countByStatus(mergeResults(twoJobs())), {
      promoted: 1,
      pending_approval: 3,
      rejected: 0,
      already_promoted: 0,
      failed: 0,
      would_promote: 1,
    });
  });
});

describe('listPlants', function () {
  it('lists distinct plants in natural order', function () {
    assert.deepEqual(listPlants(mergeResults(twoJobs())), ['PLANT2', 'PLANT3', 'PLANT10']);
  });
});

describe('filterRows', function () {
  const rows = mergeResults(twoJobs());
  const keysOf = (filter: Parameters<typeof filterRows>[1]) => filterRows(rows, filter).map((row) => row.entry.key);

  it('returns every row without filters', function () {
    assert.equal(keysOf(NO_FILTER).length, 5);
  });

  it('combines plant and status', function () {
    assert.deepEqual(keysOf({ ...NO_FILTER, plant: 'PLANT2', status: 'pending_approval' }), [
      'PLANT2:plant2-model:9',
      'PLANT2:plant2-model:10',
    ]);
  });

  it('requires every search word, ignoring case', function () {
    assert.deepEqual(keysOf({ ...NO_FILTER, search: '  ALICE   pending ' }), ['PLANT2:plant2-model:10']);
  });

  it('selects models waiting for an approver', function () {
    assert.deepEqual(keysOf({ ...NO_FILTER, waitingFor: 'bob' }), ['PLANT2:plant2-model:9', 'PLANT2:plant2-model:10']);
  });

  it('selects pending models naming nobody', function () {
    assert.deepEqual(keysOf({ ...NO_FILTER, waitingFor: '' }), ['PLANT3:plant3-model:1']);
  });

  it('searches the job name', function () {
    assert.deepEqual(keysOf({ ...NO_FILTER, search: 'job a' }).length, 3);
  });
});

describe('listWaitedForApprovers', function () {
  it('lists approvers of pending models once', function () {
    assert.deepEqual(listWaitedForApprovers(mergeResults(twoJobs())), ['alice', 'bob']);
  });
});

describe('groupPendingByApprover', function () {
  it('puts the longest queue first', function () {
    const queues = groupPendingByApprover(mergeResults(twoJobs()));

    assert.deepEqual(
      queues.map((queue) => [queue.approver, queue.rows.length]),
      [
        ['bob', 2],
        ['', 1],
        ['alice', 1],
      ],
    );
  });
});

describe('safeRegistryLink', function () {
  const cases: [string | undefined, string | undefined][] = [
    ['https://ml.azure.com/registries/r/models/m/version/1', 'https://ml.azure.com/registries/r/models/m/version/1'],
    ['http://mlflow.plant.local:5000/#/models/m/versions/1', 'http://mlflow.plant.local:5000/#/models/m/versions/1'],
    ['javascript:alert(1)', undefined],
    ['JavaScript:alert(1)', undefined],
    ['data:text/html,<script>alert(1)</script>', undefined],
    ['/relative/path', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  for (const [url, expected] of cases) {
    it(`returns ${String(expected)} for ${JSON.stringify(url)}`, function () {
      assert.equal(safeRegistryLink(url), expected);
    });
  }
});
