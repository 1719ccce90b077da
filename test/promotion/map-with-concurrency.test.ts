import assert from 'node:assert/strict';

import { mapWithConcurrency } from '../../src/promotion/map-with-concurrency';

describe('mapWithConcurrency', () => {
  it('keeps at most limit calls running', async () => {
    let running = 0;
    let maxRunning = 0;

    await mapWithConcurrency([1, 2, 3, 4, 5, 6, 7], 3, async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setImmediate(resolve));
      running -= 1;
    });

    assert.equal(maxRunning, 3);
  });

  it('returns results in input order', async () => {
    const results = await mapWithConcurrency([30, 10, 20], 3, async (delay, index) => {
      await new Promise((resolve) => setTimeout(resolve, delay));
      return `${index}:${delay}`;
    });

    assert.deepEqual(results, ['0:30', '1:10', '2:20']);
  });

  it('runs one at a time with limit 1', async () => {
    const order: string[] = [];

    await mapWithConcurrency(['a', 'b'], 1, async (item) => {
      order.push(`start ${item}`);
      await new Promise((resolve) => setImmediate(resolve));
      order.push(`end ${item}`);
    });

    assert.deepEqual(order, ['start a', 'end a', 'start b', 'end b']);
  });

  it('returns nothing for no items', async () => {
    assert.deepEqual(await mapWithConcurrency([], 4, async () => 1), []);
  });
});
