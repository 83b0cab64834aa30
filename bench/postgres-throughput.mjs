#!/usr/bin/env node
// PostgresStore throughput: decisions per second at 1 and 32 calls in flight, beside a raw
// single-statement upsert on the same pool, plus the row size of each algorithm's state.
//
//   npm run build -w packages/core && npm run build -w packages/postgres
//   node bench/postgres-throughput.mjs            # starts its own PostgreSQL (initdb) on 127.0.0.1
//   DATABASE_URL=postgres://... node bench/postgres-throughput.mjs
//   BENCH_SECONDS=5 (per case)  BENCH_KEYS=10000 (distinct client keys)
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { startPostgres } from './lib/servers.mjs';

const require = createRequire(import.meta.url);
let core, postgresStore;
try {
  core = require('@sluice/core');
  postgresStore = require('@sluice/postgres');
} catch (error) {
  console.error('Build first: npm run build -w packages/core && npm run build -w packages/postgres\n' + error.message);
  process.exit(1);
}
const pg = require('pg');
const { baseKey, fixedWindow, slidingWindow, slidingLog, tokenBucket, leakyBucket } = core;
const { PostgresStore } = postgresStore;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const KEYS = Number(process.env.BENCH_KEYS ?? 10_000);
const IN_FLIGHT = [1, 32];

/** Closed loop: `inFlight` callers, each starting its next call when the last returns. */
async function measure(inFlight, call) {
  const deadline = performance.now() + SECONDS * 1000;
  let done = 0;
  let i = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (performance.now() < deadline) {
        await call(i++ % KEYS);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const POLICY_SETS = {
  'fixed window': [fixedWindow({ limit: 1_000_000, window: '1h' })],
  'sliding window': [slidingWindow({ limit: 1_000_000, window: '1h' })],
  'sliding log (limit 100)': [slidingLog({ limit: 100, window: '1s' })],
  'token bucket': [tokenBucket({ capacity: 1_000_000, refillPerSecond: 1000 })],
  'token bucket + sliding window': [tokenBucket({ capacity: 1_000_000, refillPerSecond: 1000 }), slidingWindow({ limit: 1_000_000, window: '1h' })],
};

async function rowSizes(pool, store) {
  const table = store.names.qualifiedTable;
  const sets = {
    'fixed window': [fixedWindow({ limit: 100, window: '1m' })],
    'sliding window': [slidingWindow({ limit: 100, window: '1m' })],
    'token bucket': [tokenBucket({ capacity: 100, refillPerSecond: 10 })],
    'leaky bucket': [leakyBucket({ capacity: 100, leakPerSecond: 10 })],
    'sliding log, 1 stamp': [slidingLog({ limit: 100, window: '1m' })],
    'sliding log, 100 stamps': [slidingLog({ limit: 100, window: '1h' })],
    'sliding log, 1000 stamps': [slidingLog({ limit: 1000, window: '1h' })],
  };
  const rows = [];
  for (const [label, policies] of Object.entries(sets)) {
    const key = baseKey('api', 'user:12345');
    const stamps = Number(/(\d+) stamps/.exec(label)?.[1] ?? 1);
    for (let i = 0; i < stamps; i++) await store.consume({ key, policies, cost: 1, mode: 'consume', nowMs: Date.now() + i });
    const stateKey = `${key}:${policies[0].id}`;
    const { rows: [r] } = await pool.query(
      `SELECT pg_column_size(t.*) AS row_bytes, pg_column_size(t.key) AS key_bytes, length(t.key) AS key_chars FROM ${table} t WHERE key = $1`,
      [stateKey],
    );
    rows.push({ state: label, key: stateKey, 'row bytes': r.row_bytes, 'of which key': r.key_bytes });
  }
  return rows;
}

async function main() {
  const server = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, stop: async () => {} } : await startPostgres(pg);
  const pool = new pg.Pool({ connectionString: server.url, max: 32 });
  const schema = `sluice_bench_${process.pid}`;
  try {
    const store = new PostgresStore({ pool, schema, sweepIntervalMs: false, autoMigrate: false });
    await store.migrate();
    await pool.query(`CREATE TABLE "${schema}".raw_counter (key text COLLATE "C" PRIMARY KEY, n bigint NOT NULL)`);
    const version = (await pool.query('SHOW server_version')).rows[0].server_version;
    console.log(`PostgreSQL ${version}, Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? '?'}), pg pool max 32, ${SECONDS} s per case, ${KEYS} keys\n`);

    const raw = {
      name: 'raw_upsert',
      text: `INSERT INTO "${schema}".raw_counter (key, n) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET n = raw_counter.n + 1 RETURNING n`,
    };
    const keys = Array.from({ length: KEYS }, (_, i) => baseKey('bench', `client-${i}`));
    const cases = [['raw upsert (1 statement, no limiter)', (k) => pool.query({ ...raw, values: [keys[k]] })]];
    for (const [label, policies] of Object.entries(POLICY_SETS)) {
      cases.push([`PostgresStore: ${label}`, (k) => store.consume({ key: keys[k], policies, cost: 1, mode: 'consume' })]);
    }
    const table = [];
    let rawRates;
    for (const [label, call] of cases) {
      for (let k = 0; k < Math.min(KEYS, 2000); k++) await call(k); // warm up: rows exist, plans cached
      const rates = [];
      for (const inFlight of IN_FLIGHT) rates.push(await measure(inFlight, call));
      rawRates ??= rates;
      const row = { case: label };
      IN_FLIGHT.forEach((n, i) => {
        row[`${n} in flight /s`] = Math.round(rates[i]);
        row[`${n}: vs raw`] = (rates[i] / rawRates[i]).toFixed(2);
      });
      table.push(row);
      console.log(`${label}: ${rates.map((r, i) => `${IN_FLIGHT[i]} in flight ${Math.round(r)}/s`).join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, 1500)); // let backends flush their table statistics
    const { rows: [hot] } = await pool.query(
      `SELECT n_tup_upd::int AS updates, n_tup_hot_upd::int AS hot FROM pg_stat_user_tables WHERE relid = to_regclass($1)`,
      [store.names.qualifiedTable],
    );
    console.log('\nDecisions per second (higher is better):');
    console.table(table);
    if (hot) console.log(`State table updates: ${hot.updates}, of which HOT (no index writes): ${hot.hot} (${Math.round((100 * hot.hot) / Math.max(1, hot.updates))} %)\n`);
    console.log('Row size per key per algorithm (pg_column_size of the row; on disk add ~28 B tuple header/pointer and index entries):');
    console.table(await rowSizes(pool, store));
    await store.close();
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
    await pool.end();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
