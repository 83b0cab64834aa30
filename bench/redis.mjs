#!/usr/bin/env node
// Redis part: decisions/s and p50/p99 at 1 and 64 in flight on one ioredis connection, Sluice
// beside rate-limiter-flexible's RateLimiterRedis, rate-limit-redis and a raw EVALSHA of
// `return 1` (the floor any scripted round trip pays); Redis CPU per decision; two policies per
// decision; a 3-master Cluster. Starts its own redis-server(s) on loopback.
//
//   npm run redis -w bench          (BENCH_QUICK=1 for a harness check)
//   BENCH_ROUNDS, BENCH_SLICE_MS, BENCH_CPU_MS override the defaults.
import { createRequire } from 'node:module';
import { command, fmt, loadSluice, machine, printTable, QUICK, setting, versions } from './lib/env.mjs';
import { interleave, ratioTo, slice, storeAdmitted, verifyCases } from './lib/closed-loop.mjs';
import { saveResults } from './lib/results.mjs';
import { processCpuSeconds, startRedis, startRedisCluster } from './lib/servers.mjs';

const require = createRequire(import.meta.url);
const ROUNDS = setting('BENCH_ROUNDS', 8, 3);
const SLICE_MS = setting('BENCH_SLICE_MS', 750, 150);
const CPU_MS = setting('BENCH_CPU_MS', 2000, 300);
const IN_FLIGHT = [1, 64];
const CLIENT_KEYS = 10_000;

const { '@sluice/core': core, '@sluice/redis': sluiceRedis } = await loadSluice(['@sluice/core', '@sluice/redis']);
const { Redis, Cluster } = require('ioredis');
const { RateLimiterRedis } = require('rate-limiter-flexible');
const { RedisStore: RateLimitRedisStore } = require('rate-limit-redis');

const keys = Array.from({ length: CLIENT_KEYS }, (_, i) => `client-${i}`);
const key = (i) => keys[i % CLIENT_KEYS];

/** The contenders on one client (standalone or Cluster). Generous limits: every decision admits and writes. */
function contenders(client, { cluster }) {
  client.defineCommand('benchTrivial', { numberOfKeys: 1, lua: 'return 1' });
  const store = new sluiceRedis.RedisStore({ client });
  const sluice = (policies, prefix) => core.createLimiter({ store, policies, prefix });
  const fixed = sluice([core.fixedWindow({ limit: 1e9, window: '1m' })], 'fw');
  const bucket = sluice([core.tokenBucket({ capacity: 1e9, refillPerSecond: 1e6 })], 'tb');
  const two = sluice([core.tokenBucket({ capacity: 1e9, refillPerSecond: 1e6 }), core.fixedWindow({ limit: 1e9, window: '1m' })], 'two');
  const rlf = new RateLimiterRedis({ storeClient: client, points: 1e9, duration: 60, keyPrefix: 'rlf' });
  const list = [
    { id: 'raw', name: 'raw EVALSHA `return 1` (floor)', call: (i) => client.benchTrivial(`raw:{${key(i)}}`) },
    { id: 'sluice.fixed-window', name: 'Sluice consume, fixed window', call: (i) => fixed.consume(key(i)), verify: storeAdmitted },
    { id: 'sluice.token-bucket', name: 'Sluice consume, token bucket', call: (i) => bucket.consume(key(i)), verify: storeAdmitted },
    { id: 'sluice.two-policies', name: 'Sluice consume, token bucket + fixed window', call: (i) => two.consume(key(i)), verify: storeAdmitted },
    { id: 'rlf', name: 'rate-limiter-flexible RateLimiterRedis.consume', call: (i) => rlf.consume(key(i)) },
  ];
  if (!cluster) {
    const rlr = new RateLimitRedisStore({ sendCommand: (...args) => client.call(...args), prefix: 'rlr:' });
    rlr.init({ windowMs: 60_000 });
    list.push({ id: 'rate-limit-redis', name: 'rate-limit-redis RedisStore.increment', call: (i) => rlr.increment(key(i)) });
  }
  return list;
}

/** Redis-side cost per decision, each case alone at 64 in flight: script time and server process CPU. */
async function redisCpu(client, pid, cases) {
  const out = {};
  for (const c of cases) {
    await slice(c.call, 64, 200);
    await client.config('RESETSTAT');
    const cpuBefore = processCpuSeconds(pid);
    const { done } = await slice(c.call, 64, CPU_MS);
    const cpuAfter = processCpuSeconds(pid);
    const stats = await client.info('commandstats');
    // Script time only: every contender decides in one script, whose time already holds the
    // commands it calls (commandstats lists those apart too, so summing them counted them twice).
    let usec = 0;
    for (const m of stats.matchAll(/^cmdstat_(evalsha|eval):calls=(\d+),usec=(\d+)/gm)) usec += Number(m[3]);
    out[c.id] = { commandUsPerDecision: usec / done, serverCpuUsPerDecision: ((cpuAfter - cpuBefore) * 1e6) / done };
  }
  return out;
}

function report(title, results, cpu) {
  console.log(`\n${title}`);
  const rows = [];
  for (const r of results) {
    const vsRaw = ratioTo(results, r.id, 'raw');
    const vsRlf = ratioTo(results, r.id, 'rlf');
    rows.push({ ...r, vsRaw, vsRlf, cpu: cpu?.[r.id] });
  }
  printTable(
    ['case', 'in flight', 'decisions/s (median)', 'min-max', 'spread', 'p50 / p99 ms', 'x raw', 'x RLF', 'Redis µs/decision (cmd / process)'],
    rows.map((r) => [
      r.name, r.inFlight, fmt.rate(r.perSecond.median), `${fmt.rate(r.perSecond.min)}-${fmt.rate(r.perSecond.max)}`, fmt.pct(r.perSecond.spread),
      `${r.p50Ms.toFixed(3)} / ${r.p99Ms.toFixed(3)}`, r.vsRaw.median.toFixed(2), r.vsRlf.median.toFixed(2),
      r.cpu ? `${r.cpu.commandUsPerDecision.toFixed(1)} / ${r.cpu.serverCpuUsPerDecision.toFixed(1)}` : '',
    ]),
  );
  return rows.map(({ rates, ...rest }) => ({ ...rest, rates }));
}

async function standalone() {
  const server = await startRedis();
  const client = new Redis({ port: server.port, host: '127.0.0.1' });
  client.on('error', () => {});
  try {
    const version = (await client.info('server')).match(/redis_version:(\S+)/)?.[1];
    const cases = contenders(client, { cluster: false });
    await verifyCases(cases);
    const results = [];
    for (const inFlight of IN_FLIGHT) results.push(await interleave(cases, { inFlight, rounds: ROUNDS, sliceMs: SLICE_MS }));
    const cpu = await redisCpu(client, server.pid, cases);
    const rows = [];
    for (const r of results) rows.push(...report(`standalone redis-server ${version}, one ioredis connection, ${CLIENT_KEYS} keys round robin`, r, cpu));
    return { version, rows };
  } finally {
    client.disconnect();
    await server.stop();
  }
}

async function cluster() {
  const nodes = await startRedisCluster(3);
  const client = new Cluster(nodes.ports.map((port) => ({ host: '127.0.0.1', port })));
  client.on('error', () => {});
  try {
    const cases = contenders(client, { cluster: true });
    await verifyCases(cases);
    const results = await interleave(cases, { inFlight: 64, rounds: ROUNDS, sliceMs: SLICE_MS });
    return { rows: report('Redis Cluster, 3 masters on this machine, ioredis Cluster client', results) };
  } finally {
    client.disconnect();
    await nodes.stop();
  }
}

const env = machine();
console.log(`redis part${QUICK ? ' (QUICK: harness check only)' : ''}: ${env.cpu} x${env.cores}, Node ${env.node}, load ${env.loadAverage.join(' ')}`);
console.log(`${ROUNDS} interleaved rounds x ${SLICE_MS} ms wall time per case and concurrency`);
const single = await standalone();
const clustered = await cluster();
await saveResults('redis', {
  machine: env,
  versions: { 'redis-server': single.version, ...versions(['@sluice/core', '@sluice/redis', 'ioredis', 'rate-limiter-flexible', 'rate-limit-redis']) },
  command: command('npm run redis -w bench'),
  settings: { rounds: ROUNDS, sliceMs: SLICE_MS, cpuMs: CPU_MS, inFlight: IN_FLIGHT, clientKeys: CLIENT_KEYS, timing: 'wall clock, closed loop' },
  standalone: single.rows,
  cluster: clustered.rows,
});
