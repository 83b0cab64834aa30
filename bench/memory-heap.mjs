// Heap bytes per tracked key for one contender at N distinct keys, in a fresh process so nothing
// else shares its heap. Called by memory.mjs; by hand:
//   node --expose-gc bench/memory-heap.mjs sluice.fixed-window 1000000
// Prints one JSON line: { contender, keys, bytesPerKey, tracked }.
// Counts heapUsed + external (typed-array state lives outside the JS heap).
import { createRequire } from 'node:module';
import { ipKeys, sluicePolicies } from './lib/memory-contenders.mjs';

const require = createRequire(import.meta.url);
const [contender, keysArg] = process.argv.slice(2);
const KEYS = Number(keysArg ?? 1_000_000);
if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');

function used() {
  globalThis.gc();
  globalThis.gc();
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}

// Keys are built one at a time and dropped: only what the store keeps is counted.
const keyOf = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
ipKeys(1); // load the module's code before the baseline

let track;
let size;
if (contender.startsWith('sluice.')) {
  const core = await import('@sluice/core');
  const policy = sluicePolicies(core)[contender.slice('sluice.'.length)];
  if (policy === undefined) throw new Error(`unknown algorithm in ${contender}`);
  const store = new core.MemoryStore({ maxKeys: KEYS + 10 });
  const limiter = core.createLimiter({ store, policies: [policy], prefix: 'bench' });
  limiter.decide('warm-up', 1, 'consume');
  await limiter.reset('warm-up');
  track = (key) => limiter.decide(key, 1, 'consume');
  size = () => store.size;
} else if (contender === 'rlf') {
  const { RateLimiterMemory } = require('rate-limiter-flexible');
  const rlf = new RateLimiterMemory({ points: 1e9, duration: 600 });
  track = (key) => rlf.consume(key);
  size = () => KEYS;
} else if (contender === 'floor.map') {
  const map = new Map();
  track = (key) => map.set(key, (map.get(key) ?? 0) + 1);
  size = () => map.size;
} else {
  throw new Error(`unknown contender ${contender}`);
}

const before = used();
for (let i = 0; i < KEYS; i++) {
  const pending = track(keyOf(i));
  // Async contenders: let their promises settle now and then, so pending work is not counted.
  if (pending instanceof Promise && (i & 1023) === 0) await pending;
}
await new Promise((resolve) => setTimeout(resolve, 10));
const after = used();
const tracked = size();
console.log(JSON.stringify({ contender, keys: KEYS, tracked, bytesPerKey: (after - before) / tracked }));
