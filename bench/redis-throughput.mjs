#!/usr/bin/env node
// Decisions per second of RedisStore.consume at 1 and 64 calls in flight, beside raw ioredis
// EVALSHA of a trivial script at the same concurrency (the floor any Redis round trip pays).
// Also prints MEMORY USAGE of one client's state key per algorithm.
// Starts its own redis-server on a free loopback port; uses the built packages.
//
//   npm run build && node bench/redis-throughput.mjs [--seconds 5] [--concurrency 1,64]
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { startRedis } from './lib/servers.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    concurrency: { type: 'string', default: '1,64' },
  },
});
const SECONDS = Number(values.seconds);
const CONCURRENCY = values.concurrency.split(',').map(Number);
const CLIENT_KEYS = 10_000;
const ROUNDS = 10;

let core, redisStore, ioredis;
try {
  core = await import('@sluice/core');
  redisStore = await import('@sluice/redis');
  ioredis = await import('ioredis');
} catch (error) {
  console.error(`Cannot load the built packages (${error.message}). Run \`npm run build\` first.`);
  process.exit(1);
}
const { baseKey, fixedWindow, leakyBucket, slidingLog, slidingWindow, tokenBucket } = core;
const { RedisStore, stateKeySuffix } = redisStore;
const { Redis } = ioredis;

function printTable(header, rows) {
  const widths = header.map((_, i) => Math.max(header[i].length, ...rows.map((row) => row[i].length)));
  const line = (cells) => '| ' + cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const row of rows) console.log(line(row));
}

/** MEMORY USAGE (bytes, exact: SAMPLES 0) of one client's key per algorithm, after `cost` admitted units. */
async function memoryTable(store, client) {
  const cases = [
    ['fixed-window', fixedWindow({ limit: 1000, window: '1m' }), 1],
    ['sliding-window', slidingWindow({ limit: 1000, window: '1m' }), 1],
    ['token-bucket', tokenBucket({ capacity: 1000, refillPerSecond: 10 }), 1],
    ['leaky-bucket', leakyBucket({ capacity: 1000, leakPerSecond: 10 }), 1],
    ['sliding-log, 1 stamp', slidingLog({ limit: 1000, window: '1m' }), 1],
    ['sliding-log, 100 stamps', slidingLog({ limit: 1000, window: '1m' }), 100],
    ['sliding-log, 1000 stamps', slidingLog({ limit: 1000, window: '1m' }), 1000],
  ];
  const rows = [];
  for (const [name, policy, cost] of cases) {
    const base = baseKey('sluice', `user:${100000 + rows.length}`);
    await store.consume({ key: base, policies: [policy], cost, mode: 'consume' });
    const key = base + stateKeySuffix(policy);
    const bytes = await client.memory('USAGE', key, 'SAMPLES', 0);
    rows.push([name, key, String(key.length), String(bytes)]);
  }
  printTable(['state', 'key', 'key length', 'MEMORY USAGE (bytes)'], rows);
  console.log('');
}

/** Server-side time of script calls so far: cmdstat_evalsha calls and usec. */
async function scriptStats(client) {
  const match = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await client.info('commandstats'));
  return match ? { calls: Number(match[1]), usec: Number(match[2]) } : { calls: 0, usec: 0 };
}

/** Runs `call` with `inFlight` concurrent loops for `ms`; returns completed calls, elapsed ms and latencies. */
async function slice(call, inFlight, ms, latencies) {
  let index = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + ms;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await call(index++);
        latencies?.push(performance.now() - t);
        done++;
      }
    }),
  );
  return { done, elapsedMs: performance.now() - started };
}

/**
 * Measures every case at `inFlight` calls in flight for SECONDS each, in ROUNDS interleaved
 * slices (case A, B, C, A, B, C, ...), so load from elsewhere on the machine drifts over all
 * cases alike. Each case is warmed up first (JIT, connection, script cache).
 */
async function measureAll(cases, inFlight) {
  for (const [, call] of cases) await slice(call, inFlight, Math.min(1000, SECONDS * 200));
  const totals = cases.map(() => ({ done: 0, elapsedMs: 0, latencies: [] }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, [, call]] of cases.entries()) {
      const { done, elapsedMs } = await slice(call, inFlight, (SECONDS * 1000) / ROUNDS, totals[i].latencies);
      totals[i].done += done;
      totals[i].elapsedMs += elapsedMs;
    }
  }
  return totals.map(({ done, elapsedMs, latencies }) => {
    latencies.sort((a, b) => a - b);
    const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
    return { perSecond: done / (elapsedMs / 1000), p50: at(0.5), p99: at(0.99) };
  });
}

const server = await startRedis();
const client = new Redis({ port: server.port, host: '127.0.0.1' });
server.version = (await client.info('server')).match(/redis_version:(\S+)/)?.[1];
try {
  const store = new RedisStore({ client });
  const keys = Array.from({ length: CLIENT_KEYS }, (_, i) => baseKey('bench', `client-${i}`));
  // Generous limits, so most decisions admit and write (the expensive path).
  const policySets = {
    'token-bucket': [tokenBucket({ capacity: 1000, refillPerSecond: 100 })],
    'fixed-window': [fixedWindow({ limit: 1000, window: '1m' })],
    'sliding-window': [slidingWindow({ limit: 1000, window: '1m' })],
    'sliding-log': [slidingLog({ limit: 1000, window: '1m' })],
    'leaky-bucket': [leakyBucket({ capacity: 1000, leakPerSecond: 100 })],
  };
  policySets['all five at once'] = Object.values(policySets).flat();

  client.defineCommand('benchTrivial', { numberOfKeys: 1, lua: 'return 1' });
  const cases = [['raw EVALSHA `return 1`', (i) => client.benchTrivial(keys[i % CLIENT_KEYS])]];
  for (const [name, policies] of Object.entries(policySets)) {
    cases.push([`RedisStore ${name}`, (i) => store.consume({ key: keys[i % CLIENT_KEYS], policies, cost: 1, mode: 'consume' })]);
  }

  console.log(`redis-server ${server.version} on 127.0.0.1:${server.port}, Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}`);
  await memoryTable(store, client);
  console.log(
    `${SECONDS} s per case and concurrency, interleaved in ${ROUNDS} rounds; one ioredis connection; ` +
      `${CLIENT_KEYS} client keys round robin; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}\n`,
  );
  const header = ['case', ...CONCURRENCY.map((c) => `${c} in flight: decisions/s (p50 / p99 ms)`), 'Redis CPU µs per call'];
  const byConcurrency = [];
  const cpu = [];
  for (const inFlight of CONCURRENCY) byConcurrency.push(await measureAll(cases, inFlight));
  // Redis-side cost, separately (commandstats has no per-case split while cases interleave).
  for (const [, call] of cases) {
    const start = await scriptStats(client);
    await slice(call, 64, 500);
    const end = await scriptStats(client);
    cpu.push(((end.usec - start.usec) / Math.max(1, end.calls - start.calls)).toFixed(1));
  }
  const rows = cases.map(([name], i) => [
    name,
    ...CONCURRENCY.map((_, c) => {
      const result = byConcurrency[c][i];
      const ratio = i === 0 ? '' : ` ${((result.perSecond / byConcurrency[c][0].perSecond) * 100).toFixed(0)}% of raw`;
      return `${Math.round(result.perSecond).toLocaleString('en-US')} (${result.p50.toFixed(3)} / ${result.p99.toFixed(3)})${ratio}`;
    }),
    cpu[i],
  ]);
  printTable(header, rows);
} finally {
  client.disconnect();
  await server.stop();
}
