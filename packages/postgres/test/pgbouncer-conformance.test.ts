import { ALGORITHMS } from '@sluice/core';
import { runStoreConformance } from '@sluice/conformance';
import pg from 'pg';
import { PostgresStore } from '../src';
import { countingPool, type CountingPool } from './harness/counting-pool';
import { startPgBouncer, type PgBouncer } from './harness/pgbouncer';
import { startPostgres, type PostgresServer } from './harness/postgres-server';

// The whole store contract through PgBouncer in transaction mode (the pooler setting that
// breaks named prepared statements), with the documented setting: preparedStatements: false.
// Fewer randomized runs than the direct suite: the SQL is the same, the path is what's new.

let server: PostgresServer;
let bouncer: PgBouncer;
let counted: CountingPool;

beforeAll(async () => {
  server = await startPostgres();
  const direct = new pg.Pool({ connectionString: server.connectionString, max: 1 });
  await new PostgresStore({ pool: direct, sweepIntervalMs: false }).migrate();
  await direct.end();
  bouncer = await startPgBouncer({ upstream: server, poolMode: 'transaction', poolSize: 4 });
  counted = countingPool({ connectionString: bouncer.connectionString, max: 10 });
}, 60_000);

afterAll(async () => {
  await counted?.pool.end();
  await bouncer?.stop();
  await server?.stop();
});

runStoreConformance({
  name: 'PostgresStore behind PgBouncer (transaction mode)',
  makeStore: () => new PostgresStore({ pool: counted.pool, sweepIntervalMs: false, preparedStatements: false }),
  roundTrips: () => counted.queries(),
  sharedState: true,
  randomRuns: 25,
  algorithms: [...ALGORITHMS, 'penalty', 'concurrency'],
  describe,
  test,
  beforeAll,
  afterAll,
});
