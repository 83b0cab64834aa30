#!/usr/bin/env node
// What a dead store costs each decision with the breaker closed (every call waits timeoutMs)
// and open (the failure policy decides at once), on core's built dist. Not a test: numbers for
// docs/resilience.md. A store that never answers models a frozen server (SIGSTOP).
//   node scripts/build.mjs packages/core && node packages/core/test/measure/breaker-latency.mjs
import { breakerStateOf, createLimiter, fixedWindow, MemoryStore } from '@sluice/core';

const TIMEOUT_MS = 100;

class FrozenStore {
  algorithms = new MemoryStore().algorithms;
  calls = 0;
  consume() {
    this.calls++;
    return new Promise(() => {});
  }
  reset() {}
}

const store = new FrozenStore();
const limiter = createLimiter({
  store,
  policies: [fixedWindow({ limit: 100, window: '1m' })],
  timeoutMs: TIMEOUT_MS,
  onWarning: () => {},
  breaker: { failureThreshold: 5, cooldownMs: 60_000 },
});

const closed = [];
while (breakerStateOf(store) !== 'open') {
  const started = performance.now();
  await limiter.consume('k');
  closed.push(performance.now() - started);
}
const OPEN_CALLS = 100_000;
const took = new Float64Array(OPEN_CALLS);
const started = performance.now();
for (let i = 0; i < OPEN_CALLS; i++) {
  const t = performance.now();
  await limiter.consume('k');
  took[i] = performance.now() - t;
}
const perCall = (performance.now() - started) / OPEN_CALLS;
took.sort();
const at = (q) => (took[Math.floor(q * (OPEN_CALLS - 1))] * 1000).toFixed(1);
console.log(`timeoutMs ${TIMEOUT_MS}, failureThreshold 5`);
console.log(`breaker closed: ${closed.length} calls, each ${closed.map((ms) => ms.toFixed(1)).join(', ')} ms`);
console.log(
  `breaker open: ${OPEN_CALLS} calls (await consume), mean ${(perCall * 1000).toFixed(2)} µs, median ${at(0.5)} µs, p99 ${at(0.99)} µs, ` +
    `longest ${(took[OPEN_CALLS - 1] / 1).toFixed(1)} ms (machine load); store calls in all: ${store.calls}`,
);

// The same await loop on a MemoryStore, for scale.
const memory = createLimiter({ policies: [fixedWindow({ limit: 1e9, window: '1m' })] });
const m0 = performance.now();
for (let i = 0; i < OPEN_CALLS; i++) await memory.consume('k');
console.log(`MemoryStore: mean ${(((performance.now() - m0) / OPEN_CALLS) * 1000).toFixed(2)} µs per await consume`);
process.exit(0);
