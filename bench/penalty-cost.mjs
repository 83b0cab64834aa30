#!/usr/bin/env node
// What a penalty policy costs next to two rate policies, per decision, as ratios inside one run:
// - MemoryStore: CPU µs per decision (process.cpuUsage), admitted requests (the penalty only
//   reads its state) and denied ones (every call a strike until the block, then blocked).
// - RedisStore: script µs per call from INFO commandstats (EVALSHA/EVAL), the general
//   two-policy script beside the penalty script, admitted traffic.
// Rounds interleave the cases in random order; medians printed.
//
//   node scripts/build.mjs packages/redis && node bench/penalty-cost.mjs
//   BENCH_ROUNDS, BENCH_CALLS override the defaults (5 rounds, 200,000 memory / 20,000 Redis calls per case and round).
import { createRequire } from 'node:module';
import { loadSluice, printTable, setting } from './lib/env.mjs';
import { median, shuffle } from './lib/stats.mjs';
import { startRedis } from './lib/servers.mjs';

const require = createRequire(import.meta.url);
const ROUNDS = setting('BENCH_ROUNDS', 5, 2);
const CALLS = setting('BENCH_CALLS', 200_000, 20_000);
const REDIS_CALLS = Math.max(2_000, Math.floor(CALLS / 10));
const keys = Array.from({ length: 10_000 }, (_, i) => `client-${i}`);

const { '@sluice/core': core, '@sluice/redis': sluiceRedis } = await loadSluice(['@sluice/core', '@sluice/redis']);
const { Redis } = require('ioredis');

const rate = (limit) => [core.tokenBucket({ capacity: limit, refillPerSecond: limit > 1 ? 1e6 : 0.01 }), core.fixedWindow({ limit, window: '1m' })];
const strikes = core.penalty({ after: 5, within: '1m', blockFor: ['1m', '15m'] });

/** CPU µs per call of `call(i)` over `calls` calls (synchronous decisions). */
function cpuPerCall(call, calls) {
  const start = process.cpuUsage();
  for (let i = 0; i < calls; i++) call(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

const memoryCases = {
  'memory: 2 rate policies, admitted': core.createLimiter({ policies: rate(1e9) }),
  'memory: 2 rate + penalty, admitted': core.createLimiter({ policies: [...rate(1e9), strikes] }),
  'memory: 2 rate policies, denied': core.createLimiter({ policies: rate(1) }),
  'memory: 2 rate + penalty, denied (strikes, then blocked)': core.createLimiter({ policies: [...rate(1), strikes] }),
};
const memory = Object.fromEntries(Object.keys(memoryCases).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const name of shuffle(Object.keys(memoryCases))) {
    const limiter = memoryCases[name];
    memory[name].push(cpuPerCall((i) => limiter.decide(keys[i % keys.length], 1, 'consume'), CALLS));
  }
}

async function run(call, calls) {
  let next = 0;
  const loop = async () => {
    while (next < calls) await call(next++);
  };
  await Promise.all(Array.from({ length: 64 }, loop));
}

async function scriptUs(client, calls) {
  const stats = await client.info('commandstats');
  let usec = 0;
  for (const m of stats.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+),usec=(\d+)/gm)) usec += Number(m[3]);
  return usec / calls;
}

const server = await startRedis();
const client = new Redis({ port: server.port, host: '127.0.0.1' });
client.on('error', () => {});
const redis = { 'redis: 2 rate policies (general script)': [], 'redis: 2 rate + penalty (penalty script)': [] };
try {
  const store = new sluiceRedis.RedisStore({ client });
  const redisCases = {
    'redis: 2 rate policies (general script)': core.createLimiter({ store, policies: rate(1e9), prefix: 'two', blockCache: false, breaker: false, timeoutMs: 10_000 }),
    'redis: 2 rate + penalty (penalty script)': core.createLimiter({ store, policies: [...rate(1e9), strikes], prefix: 'pen', blockCache: false, breaker: false, timeoutMs: 10_000 }),
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of shuffle(Object.keys(redisCases))) {
      await client.config('RESETSTAT');
      await run((i) => redisCases[name].consume(keys[i % keys.length]), REDIS_CALLS);
      redis[name].push(await scriptUs(client, REDIS_CALLS));
    }
  }
} finally {
  client.disconnect();
  await server.stop();
}

const rows = [];
const base = (table, name) => median(table[name]);
for (const [name, samples] of Object.entries(memory)) {
  const ref = name.endsWith('denied') || name.includes('denied (') ? 'memory: 2 rate policies, denied' : 'memory: 2 rate policies, admitted';
  rows.push([name, median(samples).toFixed(3), (median(samples) / base(memory, ref)).toFixed(2)]);
}
for (const [name, samples] of Object.entries(redis)) {
  rows.push([name, median(samples).toFixed(2), (median(samples) / base(redis, 'redis: 2 rate policies (general script)')).toFixed(2)]);
}
printTable(['case', 'µs per decision (median)', 'ratio'], rows);
