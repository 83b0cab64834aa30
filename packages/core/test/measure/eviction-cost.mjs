#!/usr/bin/env node
// CPU µs per decision that evicts (a flood of new distinct keys against a full MemoryStore), at
// maxKeys 1k / 100k / 1M, on core's built dist. Not a test: numbers for docs/resilience.md (Floods). Each
// size fills the store, then floods it in chunks; a cost that climbs from chunk to chunk is the
// O(churn) eviction this guards against. "below bound" is the same decision with room to spare.
//   node scripts/build.mjs packages/core && node packages/core/test/measure/eviction-cost.mjs
//   EVICT_SIZES=1000,100000 EVICT_CHUNKS=5 EVICT_CHUNK=200000 override the defaults; EVICT_CLOCK=real
//   runs on the store's monotonic clock (then a full sweep for expired states runs at most once a second).
import { createLimiter, fixedWindow, MemoryStore } from '@sluice/core';

const SIZES = (process.env.EVICT_SIZES ?? '1000,100000,1000000').split(',').map(Number);
const CHUNKS = Number(process.env.EVICT_CHUNKS ?? 5);
const CHUNK = Number(process.env.EVICT_CHUNK ?? 200_000);
const NOW = process.env.EVICT_CLOCK === 'real' ? undefined : 1_700_000_000_000;

function cpuUs(run) {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

function limiterOn(maxKeys) {
  const store = new MemoryStore({ maxKeys });
  return { store, limiter: createLimiter({ store, policies: [fixedWindow({ limit: 10, window: '1h' })], prefix: 'm' }) };
}

for (const maxKeys of SIZES) {
  const { store, limiter } = limiterOn(maxKeys);
  let next = 0;
  for (; next < maxKeys; next++) limiter.decide('k' + next, 1, 'consume', NOW);
  const perChunk = [];
  for (let c = 0; c < CHUNKS; c++) {
    const from = next;
    perChunk.push(cpuUs(() => {
      for (let i = from; i < from + CHUNK; i++) limiter.decide('k' + i, 1, 'consume', NOW);
    }) / CHUNK);
    next += CHUNK;
  }
  if (store.size !== maxKeys) throw new Error(`size ${store.size} after the flood, maxKeys ${maxKeys}`);
  store.close();
  // Same decisions (new keys, same count stored) without evicting: room for every key.
  const roomy = limiterOn(maxKeys + CHUNK + 1);
  for (let i = 0; i < maxKeys; i++) roomy.limiter.decide('k' + i, 1, 'consume', NOW);
  const below = cpuUs(() => {
    for (let i = maxKeys; i < maxKeys + CHUNK; i++) roomy.limiter.decide('k' + i, 1, 'consume', NOW);
  }) / CHUNK;
  roomy.store.close();
  console.log(
    `maxKeys ${maxKeys}: evicting decision µs per chunk of ${CHUNK} (${CHUNKS} chunks) ` +
      `${perChunk.map((us) => us.toFixed(2)).join(' ')}; below bound ${below.toFixed(2)}`,
  );
}

// The sweep for expired states at the bound (at most once a second) walks every state: its cost.
for (const maxKeys of SIZES) {
  const { store, limiter } = limiterOn(maxKeys);
  for (let i = 0; i < maxKeys; i++) limiter.decide('k' + i, 1, 'consume', NOW);
  const us = cpuUs(() => store.sweep());
  store.close();
  console.log(`maxKeys ${maxKeys}: one full sweep (nothing expired) ${(us / 1000).toFixed(1)} ms CPU`);
}
