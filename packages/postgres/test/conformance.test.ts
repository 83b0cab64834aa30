import { ALGORITHMS } from '@sluice/core';
import { runStoreConformance } from '@sluice/conformance';
import { PostgresStore } from '../src';
import { countingPool, type CountingPool } from './harness/counting-pool';
import { testDatabase, type TestDatabase } from './harness/database';

let db: TestDatabase;
let counted: CountingPool;

beforeAll(async () => {
  db = await testDatabase();
  counted = countingPool({ connectionString: db.connectionString, max: 10 });
  // Migrate once up front, so every query the suite counts is a decision.
  await new PostgresStore({ pool: counted.pool, schema: db.schema, sweepIntervalMs: false }).migrate();
}, 60_000);

afterAll(async () => {
  await counted?.pool.end();
  await db?.stop();
});

runStoreConformance({
  name: 'PostgresStore',
  makeStore: () => new PostgresStore({ pool: counted.pool, schema: db.schema, sweepIntervalMs: false }),
  roundTrips: () => counted.queries(),
  sharedState: true,
  randomRuns: 200,
  algorithms: [...ALGORITHMS, 'penalty', 'concurrency'],
  describe,
  test,
  beforeAll,
  afterAll,
});
