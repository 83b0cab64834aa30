import pg from 'pg';
import { PostgresStore } from '../../src';
import {
  checkDrill,
  drillSubject,
  DRILL_POLICIES,
  DRILL_TIMEOUT_MS,
  FAILURE_KINDS,
  LOOPS,
  probeWatch,
  report,
  runDrill,
  watchProcess,
  type Outage,
  type Subject,
} from '../../../redis/test/drills/drill-kit';
import { postgresOutages, type PostgresOutages } from '../harness/outage';
import { startPostgres } from '../harness/postgres-server';

/**
 * Outage drills on a real PostgreSQL (always one of its own: it is stopped and frozen). One
 * limiter per failure policy ('allow', 'deny', a fallback MemoryStore), each with its own pool
 * and store (so its own breaker), under load at the same time.
 */
describe('PostgreSQL outage drills', () => {
  let outages: PostgresOutages;
  const pools: pg.Pool[] = [];
  const stores: PostgresStore[] = [];
  let subjects: Subject[];
  let watch: ReturnType<typeof watchProcess>;

  beforeAll(async () => {
    const server = await startPostgres();
    outages = postgresOutages(server);
    subjects = [];
    for (const kind of FAILURE_KINDS) {
      // docs/postgres.md's pool advice: a connection timeout, 10 to 20 connections (one per loop: none waits for another).
      const pool = new pg.Pool({ connectionString: server.connectionString, max: LOOPS, connectionTimeoutMillis: 2_000 });
      pool.on('error', () => {});
      pools.push(pool);
      const store = new PostgresStore({ pool, sweepIntervalMs: false });
      stores.push(store);
      await store.migrate();
      subjects.push(drillSubject(kind, store));
      // Open every connection (and prepare the statement on it) before the drills time anything.
      for (let round = 0; round < 3; round++) {
        await Promise.all(Array.from({ length: LOOPS }, (_, loop) => store.consume({ key: `drill-warm:{${loop}}`, policies: DRILL_POLICIES, cost: 1, mode: 'consume' })));
      }
    }
  }, 60_000);

  beforeEach(() => {
    watch = watchProcess();
  });

  afterEach(() => {
    watch.dispose();
    outages.thaw();
  });

  afterAll(async () => {
    for (const store of stores) await store.close();
    await Promise.all(pools.map((pool) => pool.end().catch(() => undefined)));
    await outages?.stop();
  }, 30_000);

  test('the unhandled-rejection watch sees a rejection nobody handles', async () => {
    await probeWatch(watch);
  });

  const drills: [string, () => Outage][] = [
    [
      'fast stop (pg_ctl stop -m fast) and restart on the same port and data directory',
      () => ({ name: 'fast stop', begin: () => outages.fastStop(), end: () => outages.restart() }),
    ],
    [
      'every process of the cluster frozen (SIGSTOP) and thawed (SIGCONT)',
      () => ({ name: 'freeze', begin: async () => outages.freeze(), end: async () => outages.thaw() }),
    ],
  ];

  test.each(drills)('%s: every call settles in time, the breaker opens, the store decides again', async (label, outage) => {
    const { traces, times } = await runDrill(subjects, outage(), { keyOf: (loop) => `client-${loop}` });
    expect(watch.problems).toEqual([]);
    expect(traces.map((trace) => trace.kind)).toEqual(FAILURE_KINDS);
    for (const trace of traces) report({ ...checkDrill(trace, times, DRILL_TIMEOUT_MS), drill: `postgres: ${label}` });
  }, 40_000);
});
