#!/usr/bin/env node
// What `unlogged` and `synchronous_commit = off` buy, measured in one run beside the raw upsert
// floor and the decision function a single-policy consume used before the upsert path
// (docs/postgres.md "Durability and speed" quotes it). Closed loop at 1 and 32 in flight,
// every case interleaved in rounds (bench/lib/closed-loop.mjs), one pg pool of 32 per variant.
//
//   npm run build -w packages/core && npm run build -w packages/postgres
//   node packages/postgres/scripts/durability-bench.mjs     # starts its own PostgreSQL on 127.0.0.1
//   DATABASE_URL=postgres://... BENCH_ROUNDS=5 BENCH_SLICE_MS=500 to change the defaults
import { createRequire } from 'node:module';
import { interleave, ratioTo } from '../../../bench/lib/closed-loop.mjs';
import { fmt, printTable } from '../../../bench/lib/env.mjs';
import { startPostgres } from '../../../bench/lib/servers.mjs';

const require = createRequire(new URL('../../../bench/', import.meta.url));
const pg = require('pg');
const { RateLimiterPostgres } = require('rate-limiter-flexible');
const core = require('@sluice/core');
const { PostgresStore } = require('@sluice/postgres');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SLICE_MS = Number(process.env.BENCH_SLICE_MS ?? 500);
const KEYS = Array.from({ length: 10_000 }, (_, i) => core.baseKey('bench', `client-${i}`));
const fixed = core.fixedWindow({ limit: 1e9, window: '1h' });
const bucket = core.tokenBucket({ capacity: 1e9, refillPerSecond: 1e6 });

const server = process.env.DATABASE_URL ? { url: process.env.DATABASE_URL, stop: async () => {} } : await startPostgres(pg);
const pools = [];
const schemas = [];

async function variant(label, { unlogged = false, synchronousCommit = 'on' }) {
  const pool = new pg.Pool({ connectionString: server.url, max: 32, options: `-c synchronous_commit=${synchronousCommit}` });
  pool.on('error', () => {});
  pools.push(pool);
  const schema = `sluice_durability_${schemas.length}_${process.pid}`;
  schemas.push(schema);
  const store = new PostgresStore({ pool, schema, unlogged, sweepIntervalMs: false });
  await store.migrate();
  await pool.query(`CREATE ${unlogged ? 'UNLOGGED ' : ''}TABLE "${schema}".raw_counter (key text COLLATE "C" PRIMARY KEY, n bigint NOT NULL)`);
  const raw = { name: `raw_${schema}`, text: `INSERT INTO "${schema}".raw_counter (key, n) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET n = raw_counter.n + 1 RETURNING n` };
  // The path a single-policy consume took before: one call of the decision function.
  const fn = {
    name: `fn_${schema}`,
    text: `SELECT ${store.names.qualifiedDecide}($1::text, $2::text[], $3::smallint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint, $8::smallint, $9::bigint)`,
  };
  const fnValues = (i) => [KEYS[i % KEYS.length], `{"${fixed.id}"}`, '{1}', `{${fixed.limit}}`, `{${fixed.windowUs}}`, `{${fixed.windowMs}}`, 1, 0, null];
  const rlf = await new Promise((resolve, reject) => {
    const limiter = new RateLimiterPostgres(
      { storeClient: pool, storeType: 'pool', schemaName: schema, tableName: 'rlf', points: 1e9, duration: 3600, clearExpiredByTimeout: false },
      (error) => (error ? reject(error) : resolve(limiter)),
    );
  });
  if (unlogged) await pool.query(`ALTER TABLE "${schema}".rlf SET UNLOGGED`);
  const key = (i) => KEYS[i % KEYS.length];
  return [
    { id: `${label}:raw`, name: `${label}: raw upsert (floor)`, call: (i) => pool.query({ ...raw, values: [key(i)] }) },
    { id: `${label}:fw`, name: `${label}: Sluice fixed window (upsert)`, call: (i) => store.consume({ key: key(i), policies: [fixed], cost: 1, mode: 'consume' }) },
    { id: `${label}:tb`, name: `${label}: Sluice token bucket (upsert)`, call: (i) => store.consume({ key: key(i), policies: [bucket], cost: 1, mode: 'consume' }) },
    { id: `${label}:fn`, name: `${label}: decision function, fixed window (before)`, call: (i) => pool.query({ ...fn, values: fnValues(i) }) },
    { id: `${label}:rlf`, name: `${label}: rate-limiter-flexible`, call: (i) => rlf.consume(key(i)) },
  ];
}

try {
  const cases = [
    ...(await variant('logged', {})),
    ...(await variant('sync off', { synchronousCommit: 'off' })),
    ...(await variant('unlogged', { unlogged: true })),
  ];
  const rows = [];
  for (const inFlight of [1, 32]) {
    const results = await interleave(cases, { inFlight, rounds: ROUNDS, sliceMs: SLICE_MS });
    for (const r of results) {
      const label = r.id.split(':')[0];
      rows.push([r.name, inFlight, fmt.rate(r.perSecond.median), fmt.pct(r.perSecond.spread), ratioTo(results, r.id, `${label}:raw`).median.toFixed(2), ratioTo(results, r.id, `${label}:rlf`).median.toFixed(2), ratioTo(results, r.id, 'logged:fw').median.toFixed(2)]);
    }
  }
  console.log(`${ROUNDS} rounds x ${SLICE_MS} ms per case; ratios per round, median`);
  printTable(['case', 'in flight', 'decisions/s', 'spread', 'x raw (same variant)', 'x RLF (same variant)', 'x logged Sluice FW'], rows);
} finally {
  for (const schema of schemas) await pools[0].query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => {});
  for (const pool of pools) await pool.end();
  await server.stop();
}
