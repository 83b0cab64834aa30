#!/usr/bin/env node
// Postgres part: decisions/s at 1 and 32 in flight on one pg pool (max 32), Sluice beside
// rate-limiter-flexible's RateLimiterPostgres and a raw single-statement upsert (one named
// prepared INSERT ... ON CONFLICT DO UPDATE ... RETURNING: the floor a committed decision pays);
// the same on one hot key. Starts its own PostgreSQL with stock durability (fsync on).
//
//   npm run postgres -w bench       (BENCH_QUICK=1 for a harness check)
//   DATABASE_URL=postgres://... to use an existing server; BENCH_ROUNDS, BENCH_SLICE_MS.
import { createRequire } from 'node:module';
import { interleave, ratioTo, storeAdmitted, verifyCases } from './lib/closed-loop.mjs';
import { command, fmt, loadSluice, machine, printTable, QUICK, setting, versions } from './lib/env.mjs';
import { saveResults } from './lib/results.mjs';
import { startPostgres } from './lib/servers.mjs';

const require = createRequire(import.meta.url);
const ROUNDS = setting('BENCH_ROUNDS', 8, 3);
const SLICE_MS = setting('BENCH_SLICE_MS', 750, 150);
const IN_FLIGHT = [1, 32];
const CLIENT_KEYS = 10_000;

const { '@sluice/core': core, '@sluice/postgres': sluicePg } = await loadSluice(['@sluice/core', '@sluice/postgres']);
const pg = require('pg');
const { RateLimiterPostgres } = require('rate-limiter-flexible');

/** Contenders on one pool; `keyOf(i)` picks the client key (round robin, or one hot key). */
async function contenders(pool, schema, keyOf) {
  const store = new sluicePg.PostgresStore({ pool, schema, sweepIntervalMs: false, autoMigrate: false });
  await store.migrate();
  const sluice = (policies, prefix) => core.createLimiter({ store, policies, prefix });
  const fixed = sluice([core.fixedWindow({ limit: 1e9, window: '1h' })], 'fw');
  const bucket = sluice([core.tokenBucket({ capacity: 1e9, refillPerSecond: 1e6 })], 'tb');
  const two = sluice([core.tokenBucket({ capacity: 1e9, refillPerSecond: 1e6 }), core.fixedWindow({ limit: 1e9, window: '1h' })], 'two');
  await pool.query(`CREATE TABLE IF NOT EXISTS "${schema}".raw_counter (key text COLLATE "C" PRIMARY KEY, n bigint NOT NULL)`);
  const raw = {
    name: `raw_upsert_${schema}`,
    text: `INSERT INTO "${schema}".raw_counter (key, n) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET n = raw_counter.n + 1 RETURNING n`,
  };
  const rlf = await new Promise((resolve, reject) => {
    const limiter = new RateLimiterPostgres(
      { storeClient: pool, storeType: 'pool', schemaName: schema, tableName: schema.replace('sluice_bench', 'rlf'), points: 1e9, duration: 3600, clearExpiredByTimeout: false },
      (error) => (error ? reject(error) : resolve(limiter)),
    );
  });
  return {
    store,
    cases: [
      { id: 'raw', name: 'raw upsert, 1 statement (floor)', call: (i) => pool.query({ ...raw, values: [keyOf(i)] }) },
      { id: 'sluice.fixed-window', name: 'Sluice consume, fixed window', call: (i) => fixed.consume(keyOf(i)), verify: storeAdmitted },
      { id: 'sluice.token-bucket', name: 'Sluice consume, token bucket', call: (i) => bucket.consume(keyOf(i)), verify: storeAdmitted },
      { id: 'sluice.two-policies', name: 'Sluice consume, token bucket + fixed window', call: (i) => two.consume(keyOf(i)), verify: storeAdmitted },
      { id: 'rlf', name: 'rate-limiter-flexible RateLimiterPostgres.consume', call: (i) => rlf.consume(keyOf(i)) },
    ],
  };
}

async function measure(pool, title, schema, keyOf) {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  const { store, cases } = await contenders(pool, schema, keyOf);
  await verifyCases(cases);
  const rows = [];
  for (const inFlight of IN_FLIGHT) {
    const results = await interleave(cases, { inFlight, rounds: ROUNDS, sliceMs: SLICE_MS });
    for (const r of results) rows.push({ ...r, vsRaw: ratioTo(results, r.id, 'raw'), vsRlf: ratioTo(results, r.id, 'rlf') });
  }
  await store.close();
  console.log(`\n${title}`);
  printTable(
    ['case', 'in flight', 'decisions/s (median)', 'min-max', 'spread', 'p50 / p99 ms', 'x raw', 'x RLF'],
    rows.map((r) => [
      r.name, r.inFlight, fmt.rate(r.perSecond.median), `${fmt.rate(r.perSecond.min)}-${fmt.rate(r.perSecond.max)}`, fmt.pct(r.perSecond.spread),
      `${r.p50Ms.toFixed(2)} / ${r.p99Ms.toFixed(2)}`, r.vsRaw.median.toFixed(2), r.vsRlf.median.toFixed(2),
    ]),
  );
  return rows;
}

const env = machine();
console.log(`postgres part${QUICK ? ' (QUICK: harness check only)' : ''}: ${env.cpu} x${env.cores}, Node ${env.node}, load ${env.loadAverage.join(' ')}`);
console.log(`${ROUNDS} interleaved rounds x ${SLICE_MS} ms wall time per case and concurrency; pg pool max 32`);
const server = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, stop: async () => {} } : await startPostgres(pg);
const pool = new pg.Pool({ connectionString: server.url, max: 32 });
pool.on('error', () => {});
const schemas = [`sluice_bench_${process.pid}`, `sluice_bench_hot_${process.pid}`];
try {
  const version = (await pool.query('SHOW server_version')).rows[0].server_version;
  const durability = (await pool.query("SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sc")).rows[0];
  const keys = Array.from({ length: CLIENT_KEYS }, (_, i) => `client-${i}`);
  const spread = await measure(pool, `PostgreSQL ${version} (fsync=${durability.fsync}, synchronous_commit=${durability.sc}), ${CLIENT_KEYS} keys round robin`, schemas[0], (i) => keys[i % CLIENT_KEYS]);
  const hot = await measure(pool, `PostgreSQL ${version}, one hot key (every call waits for the same row lock)`, schemas[1], () => 'hot-client');
  await saveResults('postgres', {
    machine: env,
    versions: { postgresql: version, ...versions(['@sluice/core', '@sluice/postgres', 'pg', 'rate-limiter-flexible']) },
    durability,
    command: command('npm run postgres -w bench'),
    settings: { rounds: ROUNDS, sliceMs: SLICE_MS, inFlight: IN_FLIGHT, clientKeys: CLIENT_KEYS, poolMax: 32, timing: 'wall clock, closed loop' },
    spread,
    hot,
  });
} finally {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
  await pool.end();
  await server.stop();
}
