// Heap bytes per key held by MemoryStore, per algorithm, at 1,000,000 distinct keys.
// Run: node --expose-gc bench/memory-store-heap.mjs   (after `npm run build`)
import { MemoryStore, fixedWindow, slidingWindow, slidingLog, tokenBucket, leakyBucket } from '@sluice/core';

if (typeof globalThis.gc !== 'function') {
  console.error('Run with --expose-gc: node --expose-gc bench/memory-store-heap.mjs');
  process.exit(1);
}
const KEYS = Number(process.env.KEYS ?? 1_000_000);
const policies = {
  'fixed-window': fixedWindow({ limit: 100, window: '1m' }),
  'sliding-window': slidingWindow({ limit: 100, window: '1m' }),
  'sliding-log (1 request per key)': slidingLog({ limit: 100, window: '1m' }),
  'token-bucket': tokenBucket({ capacity: 100, refillPerSecond: 10 }),
  'leaky-bucket': leakyBucket({ capacity: 100, leakPerSecond: 10 }),
};

function heapUsed() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

console.log(`| algorithm | keys | heap bytes per key |`);
console.log(`| --- | --- | --- |`);
for (const [label, policy] of Object.entries(policies)) {
  const before = heapUsed();
  const store = new MemoryStore({ maxKeys: KEYS });
  const request = { key: '', policies: [policy], cost: 1, mode: 'consume', nowMs: undefined };
  // Keys shaped like real ones: prefix, hash tag, an IPv4-like client id.
  for (let i = 0; i < KEYS; i++) {
    request.key = 'sluice:{10.' + ((i >> 16) & 255) + '.' + ((i >> 8) & 255) + '.' + (i & 255) + '}';
    store.consume(request);
  }
  const after = heapUsed();
  console.log(`| ${label} | ${store.size.toLocaleString('en-US')} | ${Math.round((after - before) / store.size)} |`);
  store.close();
}
