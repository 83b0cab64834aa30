#!/usr/bin/env node
// Server CPU per decision statement, the figure that sets the pace once a shared machine's
// cores are busy (wall-clock throughput there moves 30 % and more between runs; CPU time of one
// backend barely does). Starts its own PostgreSQL on 127.0.0.1, one connection with
// synchronous_commit=off (so no run waits on the disk), and reads the backend's user+system
// time from /proc (Linux; the server must run on this machine) around N statements per case,
// cases interleaved in rounds; reports the median µs per statement. docs/postgres.md quotes it.
//
//   npm run build -w packages/core && npm run build -w packages/postgres
//   node packages/postgres/scripts/statement-cpu.mjs          # N=2000 ROUNDS=7
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { startPostgres } from '../../../bench/lib/servers.mjs';

const require = createRequire(new URL('../../../bench/', import.meta.url));
const pg = require('pg');
const core = require('@sluice/core');
const { PostgresStore } = require('@sluice/postgres');
const { buildPlan } = require(new URL('../dist/cjs/policy-plan.js', import.meta.url).pathname);

const N = Number(process.env.N ?? 2000);
const ROUNDS = Number(process.env.ROUNDS ?? 7);
const TICK_US = 1e6 / 100; // /proc/<pid>/stat counts clock ticks (USER_HZ = 100 on Linux)

const server = await startPostgres(pg);
const client = new pg.Client({ connectionString: server.url, options: '-c synchronous_commit=off' });
await client.connect();
const storePool = new pg.Pool({ connectionString: server.url, max: 1 });
try {
  const schema = 'cpu';
  const store = new PostgresStore({ pool: storePool, schema, sweepIntervalMs: false });
  await store.migrate();
  await client.query(`CREATE TABLE cpu.raw (key text COLLATE "C" PRIMARY KEY, n bigint NOT NULL)`);
  const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0].pid;
  const cpuUs = () => {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_US;
  };
  const fixed = core.fixedWindow({ limit: 1e9, window: '1h' });
  const bucket = core.tokenBucket({ capacity: 1e9, refillPerSecond: 1e6 });
  // The statements the store sends, taken from the store itself (its plan for each policy set).
  const planOf = (policies) => buildPlan(policies, store.names);
  const decide = `SELECT ${store.names.qualifiedDecide}($1::text, $2::text[], $3::smallint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint, $8::smallint, $9::bigint)`;
  const fnValues = (plan, key) => [key, plan.ids, plan.algorithms, plan.limits, plan.spans, plan.windowMs, 1, 0, null];
  const two = [bucket, fixed];
  const cases = {
    'raw upsert (floor)': { text: 'INSERT INTO cpu.raw (key, n) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET n = raw.n + 1 RETURNING n', values: (k) => [k] },
    'upsert, fixed window': { text: planOf([fixed]).upsert.text, values: (k) => [`a:{${k}}:${fixed.id}`, 1, null] },
    'upsert, token bucket': { text: planOf([bucket]).upsert.text, values: (k) => [`b:{${k}}:${bucket.id}`, 1, null] },
    'function, fixed window': { text: decide, values: (k) => fnValues(planOf([fixed]), `c:{${k}}`) },
    'function, token bucket + fixed window': { text: decide, values: (k) => fnValues(planOf(two), `d:{${k}}`) },
  };
  const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, c] of Object.entries(cases)) {
      const query = { name: name.replace(/\W+/g, '_'), text: c.text };
      const before = cpuUs();
      for (let i = 0; i < N; i++) await client.query({ ...query, values: c.values(`client-${i % 10_000}`) });
      // Round 0 warms up: rows exist, plans are cached.
      if (round > 0) samples[name].push((cpuUs() - before) / N);
    }
  }
  const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
  const floor = median(samples['raw upsert (floor)']);
  console.log(`Server CPU per statement (µs, median of ${ROUNDS} rounds of ${N}; resolution ${(TICK_US / N).toFixed(1)} µs):`);
  for (const [name, values] of Object.entries(samples)) {
    const m = median(values);
    console.log(`  ${name.padEnd(40)} ${m.toFixed(1).padStart(7)} µs   ${(m / floor).toFixed(2)}x raw`);
  }
} finally {
  await client.end();
  await storePool.end();
  await server.stop();
}
