#!/usr/bin/env node
// Redis CPU per decision, per contender, from INFO commandstats (the server's own time inside
// each command: steady even on a busy machine, unlike wall-clock throughput), and this Node
// process's CPU per decision (process.cpuUsage: the client side). Each case runs alone at 64 in
// flight after CONFIG RESETSTAT; rounds interleave the cases; medians printed.
//
//   node bench/redis-script-cost.mjs            (after: node scripts/build.mjs packages/redis)
//   BENCH_ROUNDS, BENCH_CALLS override the defaults (5 rounds, 20,000 calls per case and round).
import { createRequire } from 'node:module';
import { loadSluice, printTable, setting } from './lib/env.mjs';
import { shuffle } from './lib/stats.mjs';
import { startRedis } from './lib/servers.mjs';

const require = createRequire(import.meta.url);
const ROUNDS = setting('BENCH_ROUNDS', 5, 2);
const CALLS = setting('BENCH_CALLS', 20_000, 5_000);
const IN_FLIGHT = 64;
const keys = Array.from({ length: 10_000 }, (_, i) => `client-${i}`);

const { '@sluice/core': core, '@sluice/redis': sluiceRedis } = await loadSluice(['@sluice/core', '@sluice/redis']);
const { Redis } = require('ioredis');
const { RateLimiterRedis } = require('rate-limiter-flexible');
const { RedisStore: RateLimitRedisStore } = require('rate-limit-redis');

/** `calls` calls of `call(i)`, `IN_FLIGHT` at a time. */
async function run(call, calls) {
  let next = 0;
  const loop = async () => {
    while (next < calls) await call(next++);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, loop));
}

/**
 * µs of script time per call: EVALSHA and EVAL only. Every contender decides in one script, and
 * a script's time already holds the commands it calls (which commandstats also lists apart).
 */
async function commandUs(client, calls) {
  const stats = await client.info('commandstats');
  let usec = 0;
  for (const m of stats.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+),usec=(\d+)/gm)) usec += Number(m[3]);
  return usec / calls;
}

const server = await startRedis();
const client = new Redis({ port: server.port, host: '127.0.0.1' });
client.on('error', () => {});
try {
  client.defineCommand('benchTrivial', { numberOfKeys: 1, lua: 'return 1' });
  const store = new sluiceRedis.RedisStore({ client });
  const sluice = (policies, prefix) => core.createLimiter({ store, policies, prefix });
  const fixedPolicies = [core.fixedWindow({ limit: 1e9, window: '1m' })];
  const fixed = sluice(fixedPolicies, 'fw');
  const bucket = sluice([core.tokenBucket({ capacity: 1e9, refillPerSecond: 1e6 })], 'tb');
  const sliding = sluice([core.slidingWindow({ limit: 1e9, window: '1m' })], 'sw');
  const two = sluice([core.tokenBucket({ capacity: 1e9, refillPerSecond: 1e6 }), core.fixedWindow({ limit: 1e9, window: '1m' })], 'two');
  const rlf = new RateLimiterRedis({ storeClient: client, points: 1e9, duration: 60, keyPrefix: 'rlf' });
  const rlr = new RateLimitRedisStore({ sendCommand: (...args) => client.call(...args), prefix: 'rlr:' });
  rlr.init({ windowMs: 60_000 });
  const key = (i) => keys[i % keys.length];
  const cases = [
    ['raw EVALSHA `return 1`', (i) => client.benchTrivial(`raw:{${key(i)}}`)],
    ['Sluice fixed window', (i) => fixed.consume(key(i))],
    ['Sluice fixed window, store.consume (not bound)', (i) => store.consume({ key: core.baseKey('fw', key(i)), policies: fixedPolicies, cost: 1, mode: 'consume' })],
    ['Sluice token bucket', (i) => bucket.consume(key(i))],
    ['Sluice sliding window', (i) => sliding.consume(key(i))],
    ['Sluice token bucket + fixed window', (i) => two.consume(key(i))],
    ['rate-limiter-flexible', (i) => rlf.consume(key(i))],
    ['rate-limit-redis', (i) => rlr.increment(key(i))],
  ];
  for (const [, call] of cases) {
    const decision = await call(0);
    if (decision?.degraded !== undefined || decision?.[0]?.allowed === false) throw new Error(`a case failed open: ${JSON.stringify(decision)}`);
  }
  const samples = cases.map(() => []);
  const nodeSamples = cases.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (const i of shuffle(cases.map((_, i) => i))) {
      await run(cases[i][1], 2_000);
      await client.config('RESETSTAT');
      const cpu = process.cpuUsage();
      await run(cases[i][1], CALLS);
      const used = process.cpuUsage(cpu);
      nodeSamples[i].push((used.user + used.system) / CALLS);
      samples[i].push(await commandUs(client, CALLS));
    }
  }
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  printTable(
    ['case', 'Redis µs/decision (median)', 'min-max', 'Node CPU µs/decision (median)', 'min-max'],
    cases.map(([name], i) => [
      name,
      median(samples[i]).toFixed(2),
      `${Math.min(...samples[i]).toFixed(2)}-${Math.max(...samples[i]).toFixed(2)}`,
      median(nodeSamples[i]).toFixed(2),
      `${Math.min(...nodeSamples[i]).toFixed(2)}-${Math.max(...nodeSamples[i]).toFixed(2)}`,
    ]),
  );
} finally {
  client.disconnect();
  await server.stop();
}
