import { createLimiter, fixedWindow, StoreError, type Decision, type SluiceWarning } from '@sluice/core';
import pg from 'pg';
import { PostgresStore } from '../src';
import { startPgBouncer, type PgBouncer } from './harness/pgbouncer';
import { startPostgres, type PostgresServer } from './harness/postgres-server';

// Behind a real PgBouncer (Debian's `pgbouncer`, started here) in transaction and session
// mode. This file always starts its own PostgreSQL: PgBouncer logs in to it as its superuser.

let server: PostgresServer;
let transaction: PgBouncer;
let session: PgBouncer;
/** One server connection: a second app connection's Parse of a named statement always meets the first's. */
let single: PgBouncer;
const pools: pg.Pool[] = [];

beforeAll(async () => {
  server = await startPostgres();
  const direct = new pg.Pool({ connectionString: server.connectionString, max: 1 });
  await new PostgresStore({ pool: direct, sweepIntervalMs: false }).migrate();
  await direct.end();
  [transaction, session, single] = await Promise.all([
    startPgBouncer({ upstream: server, poolMode: 'transaction', poolSize: 4 }),
    // Session mode pins each app connection to a server connection: room for the whole app pool.
    startPgBouncer({ upstream: server, poolMode: 'session', poolSize: 12 }),
    startPgBouncer({ upstream: server, poolMode: 'transaction', poolSize: 1 }),
  ]);
}, 60_000);

// Each test's connections go with it: in session mode they would hold server connections.
afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});

afterAll(async () => {
  await Promise.all([transaction, session, single].map((bouncer) => bouncer?.stop()));
  await server?.stop();
});

function pool(connectionString: string, max = 10): pg.Pool {
  const made = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5_000 });
  pools.push(made);
  return made;
}

const limit5 = [fixedWindow({ limit: 5, window: '1h' })];

async function race(store: PostgresStore, key: string): Promise<Decision[]> {
  // 'allow' is the failing-open default: any store failure would show up as an extra admission.
  const limiter = createLimiter({ store, policies: limit5, prefix: 'bouncer', onStoreError: 'allow', timeoutMs: 10_000 });
  return Promise.all(Array.from({ length: 20 }, () => limiter.consume(key)));
}

describe.each([
  ['transaction', () => transaction],
  ['session', () => session],
] as const)('PgBouncer in %s mode', (mode, bouncer) => {
  test.each([[false], [true]])('preparedStatements: %s: 20 concurrent consumes against a limit of 5 admit exactly 5, all decided by the store', async (prepared) => {
    const reported: StoreError[] = [];
    const store = new PostgresStore({
      pool: pool(bouncer().connectionString),
      sweepIntervalMs: false,
      preparedStatements: prepared,
      onError: (error) => reported.push(error),
    });
    const decisions = await race(store, `${mode}-${prepared}`);
    expect(decisions.map((d) => d.decidedBy)).toEqual(decisions.map(() => 'store'));
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
    // Unnamed statements never meet a mismatch, nor do named ones in session mode; in
    // transaction mode named ones may (which server connection a Parse meets is PgBouncer's
    // choice), and then the store switches, reporting it once.
    if (!prepared || mode === 'session') expect(reported).toEqual([]);
    else expect(reported.map((error) => (error.cause as { code?: string }).code)).toEqual(reported.length === 0 ? [] : [expect.stringMatching(/^(26000|42P05)$/)]);
  });
});

test('transaction mode with named statements: the first mismatch switches the store to unnamed statements, once, losing no decision', async () => {
  const reported: StoreError[] = [];
  const store = new PostgresStore({ pool: pool(single.connectionString, 2), sweepIntervalMs: false, onError: (error) => reported.push(error) });
  const limiter = createLimiter({ store, policies: limit5, prefix: 'switch', onStoreError: 'allow', timeoutMs: 10_000 });
  // The first app connection prepares the statement on the one server connection; the
  // second app connection's Parse of the same name then meets it there (42P05).
  expect((await limiter.consume('k')).decidedBy).toBe('store');
  const decisions = await Promise.all(Array.from({ length: 8 }, () => limiter.consume('k')));
  expect(decisions.map((d) => d.decidedBy)).toEqual(decisions.map(() => 'store'));
  expect(decisions.filter((d) => d.allowed)).toHaveLength(4);
  expect(reported).toHaveLength(1);
  expect(reported[0]).toMatchObject({ configuration: true, cause: { code: '42P05' } });
  expect(reported[0]!.message).toContain('preparedStatements: false');
});

test('autoMigrate through the pooler in transaction mode creates a fresh schema and decides (its lock is transaction-scoped)', async () => {
  const store = new PostgresStore({
    pool: pool(transaction.connectionString, 4),
    schema: 'through_pooler',
    autoMigrate: true,
    preparedStatements: false,
    sweepIntervalMs: false,
  });
  const decisions = await race(store, 'migrated');
  expect(decisions.map((d) => d.decidedBy)).toEqual(decisions.map(() => 'store'));
  expect(decisions.filter((d) => d.allowed)).toHaveLength(5);
  await store.close();
});

test('a wrong password at the pooler is a configuration error, and the limiter warns once, naming it', async () => {
  const warnings: SluiceWarning[] = [];
  const store = new PostgresStore({ pool: pool(transaction.wrongPasswordConnectionString, 2), sweepIntervalMs: false, preparedStatements: false });
  const limiter = createLimiter({ store, policies: limit5, onStoreError: 'deny', timeoutMs: 10_000, onWarning: (w) => warnings.push(w) });
  const failure = store.consume({ key: 'direct:{a}', policies: limit5, cost: 1, mode: 'consume' });
  await expect(failure).rejects.toMatchObject({ configuration: true, cause: { code: '08P01' } });
  for (let i = 0; i < 3; i++) expect(await limiter.consume('a')).toMatchObject({ allowed: false, decidedBy: 'failure-policy' });
  expect(warnings).toHaveLength(1);
  expect(warnings[0]).toMatchObject({ code: 'SLUICE_STORE_MISCONFIGURED' });
  expect(warnings[0]!.message).toContain('SASL authentication failed');
});
