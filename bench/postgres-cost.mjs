#!/usr/bin/env node
// Postgres server cost per decision statement, in a form a busy machine barely moves: the
// backend's own CPU time (/proc/<pid>/stat) and pg_stat_statements' executor time and WAL
// bytes, per statement, for Sluice's single-policy upsert (fixed window, token bucket), the
// raw single-statement upsert (the floor) and rate-limiter-flexible's RateLimiterPostgres.
// One connection, one call at a time, contenders interleaved in chunks over the same keys.
// Starts its own PostgreSQL (stock durability) with pg_stat_statements preloaded.
//
//   node scripts/build.mjs packages/postgres && node bench/postgres-cost.mjs
//   BENCH_QUICK=1 (fewer calls)  BENCH_CALLS=20000 (per contender)  BENCH_UNLOGGED=1  BENCH_SYNC_COMMIT=off
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadSluice, printTable, setting } from './lib/env.mjs';
import { startPostgres } from './lib/servers.mjs';

const require = createRequire(import.meta.url);
const CALLS = setting('BENCH_CALLS', 20_000, 4_000);
const CHUNK = 500;
const KEYS = 2_000;
const { '@sluice/core': core, '@sluice/postgres': sluicePg } = await loadSluice(['@sluice/core', '@sluice/postgres']);
const pg = require('pg');
const { RateLimiterPostgres } = require('rate-limiter-flexible');
const TICK_US = 1e6 / 100; // USER_HZ is 100 on Linux

/** utime + stime of a process, in µs. */
function cpuUs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

const server = await startPostgres(pg, ['-c', 'shared_preload_libraries=pg_stat_statements', '-c', 'pg_stat_statements.track_utility=off', '-c', 'pg_stat_statements.track_planning=on']);
const pool = new pg.Pool({ connectionString: server.url, max: 1 });
pool.on('error', () => {});
const schema = 'sluice_cost';
try {
  if (process.env.BENCH_SYNC_COMMIT) await pool.query(`ALTER SYSTEM SET synchronous_commit = '${process.env.BENCH_SYNC_COMMIT === 'off' ? 'off' : 'on'}'`);
  await pool.query('SELECT pg_reload_conf()');
  await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  await pool.query(`CREATE SCHEMA ${schema}`);
  const unlogged = process.env.BENCH_UNLOGGED === '1';
  const store = new sluicePg.PostgresStore({ pool, schema, unlogged, sweepIntervalMs: false });
  await store.migrate();
  const fixed = [core.fixedWindow({ limit: 1e9, window: '1h' })];
  const bucket = [core.tokenBucket({ capacity: 1e9, refillPerSecond: 1e6 })];
  await pool.query(`CREATE ${unlogged ? 'UNLOGGED ' : ''}TABLE ${schema}.raw_counter (key text COLLATE "C" PRIMARY KEY, n bigint NOT NULL)`);
  const raw = { name: 'raw_upsert', text: `INSERT INTO ${schema}.raw_counter (key, n) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET n = raw_counter.n + 1 RETURNING n` };
  const rlf = await new Promise((resolve, reject) => {
    const limiter = new RateLimiterPostgres(
      { storeClient: pool, storeType: 'pool', schemaName: schema, tableName: 'rlf', points: 1e9, duration: 3600, clearExpiredByTimeout: false },
      (error) => (error ? reject(error) : resolve(limiter)),
    );
  });
  if (unlogged) await pool.query(`ALTER TABLE ${schema}.rlf SET UNLOGGED`);
  const keys = Array.from({ length: KEYS }, (_, i) => `client-${i}`);
  const cases = [
    { id: 'raw', name: 'raw upsert (floor)', call: (k) => pool.query({ ...raw, values: [k] }) },
    { id: 'fw', name: 'Sluice fixed window', call: (k) => store.consume({ key: core.baseKey('fw', k), policies: fixed, cost: 1, mode: 'consume' }) },
    { id: 'tb', name: 'Sluice token bucket', call: (k) => store.consume({ key: core.baseKey('tb', k), policies: bucket, cost: 1, mode: 'consume' }) },
    { id: 'rlf', name: 'RLF RateLimiterPostgres', call: (k) => rlf.consume(k) },
  ];
  const backend = (await pool.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  // Warm up: every key has its row, every statement is prepared.
  for (const c of cases) for (const k of keys) await c.call(k);
  // Totals over every INSERT statement, read around each chunk: whatever ran in between is that contender's.
  const totals = async () =>
    (
      await pool.query(
        `SELECT coalesce(sum(total_exec_time), 0)::float8 AS ms, coalesce(sum(total_plan_time), 0)::float8 AS planms, coalesce(sum(plans), 0)::float8 AS plans, coalesce(sum(wal_bytes), 0)::float8 AS wal, coalesce(sum(wal_records), 0)::float8 AS records
           FROM pg_stat_statements WHERE query ~* '^\\s*insert'`,
      )
    ).rows[0];
  for (const c of cases) Object.assign(c, { cpu: 0, ms: 0, planMs: 0, plans: 0, wal: 0, records: 0 });
  let next = 0;
  for (let done = 0; done < CALLS; done += CHUNK) {
    for (const c of cases) {
      const start = await totals();
      const before = cpuUs(backend);
      for (let i = 0; i < CHUNK; i++) await c.call(keys[next++ % KEYS]);
      c.cpu += cpuUs(backend) - before;
      const end = await totals();
      c.ms += end.ms - start.ms;
      c.planMs += end.planms - start.planms;
      c.plans += end.plans - start.plans;
      c.wal += end.wal - start.wal;
      c.records += end.records - start.records;
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 1000)); // table statistics are flushed at most once a second
  const { rows: hot } = await pool.query(
    `SELECT relname, n_tup_upd::float8 AS upd, n_tup_hot_upd::float8 AS hot FROM pg_stat_user_tables WHERE schemaname = $1`,
    [schema],
  );
  const { rows: width } = await pool.query(
    `SELECT 'sluice_state' AS t, avg(pg_column_size(s.*))::float8 AS bytes FROM ${schema}.sluice_state s
     UNION ALL SELECT 'raw_counter', avg(pg_column_size(r.*))::float8 FROM ${schema}.raw_counter r
     UNION ALL SELECT 'rlf', avg(pg_column_size(x.*))::float8 FROM ${schema}.rlf x`,
  );
  const rows = cases.map((c) => [
    c.name,
    ((1000 * c.ms) / CALLS).toFixed(1),
    `${((1000 * c.planMs) / CALLS).toFixed(1)} (${(c.plans / CALLS).toFixed(2)})`,
    (c.cpu / CALLS).toFixed(1),
    (c.wal / CALLS).toFixed(0),
    (c.records / CALLS).toFixed(2),
  ]);
  console.log(`${CALLS} calls per contender at 1 in flight over ${KEYS} keys, interleaved in chunks of ${CHUNK}; unlogged=${unlogged}, synchronous_commit=${process.env.BENCH_SYNC_COMMIT ?? 'on'}`);
  printTable(['statement', 'executor µs/stmt', 'planning µs/stmt (plans/stmt)', 'backend CPU µs/stmt', 'WAL bytes/stmt', 'WAL records/stmt'], rows);
  console.log('HOT updates: ' + hot.map((h) => `${h.relname} ${Math.round((100 * h.hot) / Math.max(1, h.upd))}%`).join(', '));
  console.log('Average row (pg_column_size): ' + width.map((w) => `${w.t} ${Math.round(w.bytes)} B`).join(', '));
  await store.close();
} finally {
  await pool.end();
  await server.stop();
}
