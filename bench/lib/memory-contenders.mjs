// The in-process contenders: Sluice (sync decide and async consume per algorithm), the peers'
// memory stores, and the floors. Each is built fresh per key count, so state never carries over.
import { createRequire } from 'node:module';
import { BENCH_DIR } from './env.mjs';

const require = createRequire(`${BENCH_DIR}/package.json`);

/** Limits high enough that every contender admits (the writing path), except where noted. */
export function sluicePolicies(core) {
  return {
    'fixed-window': core.fixedWindow({ limit: 1e9, window: '1m' }),
    'sliding-window': core.slidingWindow({ limit: 1e9, window: '1m' }),
    // Buckets: capacity 1e9 at 1e6/s (the largest rate allowed) outlasts any run at 1 key.
    // O(limit) state: a high limit would grow one hot key's log without bound, so at 1 key
    // this one mostly measures denials (which write nothing).
    'sliding-log': core.slidingLog({ limit: 1000, window: '1s' }),
    'token-bucket': core.tokenBucket({ capacity: 1e9, refillPerSecond: 1e6 }),
    'leaky-bucket': core.leakyBucket({ capacity: 1e9, leakPerSecond: 1e6 }),
  };
}

/**
 * `[{ id, label, group, kind, fn, close }]` for one run over `keyCount` keys: Sluice with ONE
 * algorithm (as an app would run it: with several in one process, their shared code turns
 * polymorphic and each looks slower than it is), the peers and the floors.
 */
export async function memoryContenders(core, keyCount, algorithm) {
  const policy = sluicePolicies(core)[algorithm];
  if (policy === undefined) throw new Error(`unknown algorithm ${algorithm}`);
  const list = [];
  const limiter = core.createLimiter({ store: new core.MemoryStore({ maxKeys: 2 * keyCount + 10 }), policies: [policy], prefix: 'bench' });
  list.push({
    id: `sluice.decide.${algorithm}`,
    label: `Sluice decide (sync), ${algorithm}`,
    group: 'sluice-sync',
    kind: 'sync',
    fn: (key) => limiter.decide(key, 1, 'consume'),
    close: () => limiter.close(),
  });
  const asyncLimiter = core.createLimiter({ store: new core.MemoryStore({ maxKeys: 2 * keyCount + 10 }), policies: [policy], prefix: 'bench' });
  list.push({
    id: `sluice.consume.${algorithm}`,
    label: `Sluice consume (async), ${algorithm}`,
    group: 'sluice-async',
    kind: 'async',
    fn: (key) => asyncLimiter.consume(key),
    close: () => asyncLimiter.close(),
  });

  const { RateLimiterMemory } = require('rate-limiter-flexible');
  const rlf = new RateLimiterMemory({ points: 1e9, duration: 60 });
  list.push({ id: 'rlf', label: 'rate-limiter-flexible RateLimiterMemory.consume', group: 'peer', kind: 'async', fn: (key) => rlf.consume(key) });

  const { MemoryStore: ErlMemoryStore } = require('express-rate-limit');
  const erl = new ErlMemoryStore();
  erl.init({ windowMs: 60_000 });
  list.push({ id: 'erl', label: 'express-rate-limit MemoryStore.increment', group: 'peer', kind: 'async', fn: (key) => erl.increment(key), close: () => erl.shutdown() });

  const LocalStore = require('@fastify/rate-limit/store/LocalStore.js');
  // Its LRU holds 5,000 keys by default; sized to the key count so it measures counting, not eviction.
  const local = new LocalStore(false, false, keyCount + 10);
  const done = () => {};
  list.push({ id: 'fastify-local', label: '@fastify/rate-limit LocalStore.incr (callback)', group: 'peer', kind: 'sync', fn: (key) => local.incr(key, done, 60_000, 1e9) });

  const map = new Map();
  list.push({ id: 'floor.map', label: 'floor: bare Map get+set increment', group: 'floor', kind: 'sync', fn: (key) => map.set(key, (map.get(key) ?? 0) + 1) });
  const awaitedMap = new Map();
  list.push({
    id: 'floor.map-awaited',
    label: 'floor: the same in an awaited async function',
    group: 'floor',
    kind: 'async',
    fn: async (key) => awaitedMap.set(key, (awaitedMap.get(key) ?? 0) + 1),
  });
  return list;
}

/** IPv4-like client keys, as an adapter would pass them: '10.0.0.1', '10.0.0.2', ... */
export function ipKeys(count) {
  return Array.from({ length: count }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${(i & 255) + (count === 1 ? 1 : 0)}`);
}
