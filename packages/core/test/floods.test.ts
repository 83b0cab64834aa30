import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createLimiter, fixedWindow, MemoryStore } from '@sluice/core';

/**
 * Flood (issue 11 item 5): 2,000,000 distinct keys (200 times maxKeys) through a limiter on the
 * MemoryStore. The store never holds more than maxKeys states, and its heap stops growing once it
 * is full: the keys it has seen cost nothing, only the ones it holds. Decisions run on a fixed clock (nowMs),
 * so nothing expires and every new key evicts the oldest.
 *
 * An eviction is O(1) amortised whatever the churn (one cursor over the table's Map,
 * memory-table.ts), so the key count sets the run time: under jest a decision costs 1.5-2 µs
 * (0.4-0.7 µs from plain Node), so 2M keys keep this file near 5-8 s in `npm test`. CPU µs per
 * evicting decision at maxKeys 1k / 100k / 1M: test/measure/eviction-cost.mjs.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** JS heap + external (typed-array state lives outside the heap), after full collections. */
function used(): number {
  gc();
  gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

const FLOOD = 2_000_000;
const CHECKPOINT = 200_000;
/** The heap is measured (two full collections, about 0.25 s under jest) at every third checkpoint, the last included. */
const HEAP_EVERY = 3;
const MAX_KEYS = 10_000;
/** Tables, columns, index and keys of 10,000 states (about 1.5 MB measured), with room for fixed overhead. */
const HEAP_BOUND = 4_000_000;
/** Growth allowed from the first checkpoint to the last: GC noise, not accumulation. */
const FLAT_SLACK = 256_000;
const NOW = 1_700_000_000_000;

test('2,000,000 distinct keys: the store stays within maxKeys and its memory bound', () => {
  const store = new MemoryStore({ maxKeys: MAX_KEYS });
  const limiter = createLimiter({ store, policies: [fixedWindow({ limit: 10, window: '1h' })], prefix: 'flood' });
  const baseline = used();
  const sizes: number[] = [];
  const heaps: number[] = [];
  let denied = 0;
  for (let i = 0; i < FLOOD; i++) {
    // Synchronous on a MemoryStore: the adapters' hot path.
    if (!(limiter.decide('k' + i, 1, 'consume', NOW) as { allowed: boolean }).allowed) denied++;
    if ((i + 1) % CHECKPOINT === 0) {
      sizes.push(store.size);
      if (sizes.length % HEAP_EVERY === 1) heaps.push(used() - baseline);
    }
  }
  expect(denied).toBe(0);
  expect(sizes).toEqual(Array(FLOOD / CHECKPOINT).fill(MAX_KEYS));
  expect(heaps).toHaveLength(4);
  expect(Math.max(...heaps)).toBeLessThanOrEqual(HEAP_BOUND);
  expect(heaps.at(-1)!).toBeLessThanOrEqual(heaps[0]! + FLAT_SLACK);
  // The newest keys are the ones kept: the last one has its state (one request spent).
  expect((limiter.decide('k' + (FLOOD - 1), 1, 'peek', NOW) as { remaining: number }).remaining).toBe(9);
  expect((limiter.decide('k0', 1, 'peek', NOW) as { remaining: number }).remaining).toBe(10);
  store.close();
}, 60_000);
