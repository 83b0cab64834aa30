import { createLimiter, fixedWindow, StoreError, type SluiceWarning } from '@sluice/core';
import pg from 'pg';
import { PostgresStore } from '../src';
import { isConfigurationFailure } from '../src/errors';
import { startPostgres, type PostgresServer } from './harness/postgres-server';

// A store that fails on every call because of its setup says so: StoreError.configuration,
// and the limiter's one-time SLUICE_STORE_MISCONFIGURED warning names the cause. This file
// starts its own server: it creates roles and a database-less URL.

let server: PostgresServer;
let admin: pg.Pool;
const policies = [fixedWindow({ limit: 5, window: '1h' })];
const request = { key: 'setup:{a}', policies, cost: 1, mode: 'consume' as const };
// Two policies go through the decision function; one goes through the single upsert.
const twoPolicies = { ...request, policies: [...policies, fixedWindow({ limit: 50, window: '1d' })] };

beforeAll(async () => {
  server = await startPostgres();
  admin = new pg.Pool({ connectionString: server.connectionString, max: 2 });
  await new PostgresStore({ pool: admin, schema: 'limits', sweepIntervalMs: false }).migrate();
  // Logs in, but may not use the store's schema.
  await admin.query(`CREATE ROLE sluice_unprivileged LOGIN PASSWORD 'right'`);
}, 60_000);

afterAll(async () => {
  await admin?.end();
  await server?.stop();
});

function url(credentials: string, database = 'postgres'): string {
  return `postgres://${credentials}@127.0.0.1:${server.port}/${database}`;
}

/** Runs `body` with a store on its own pool, closed afterwards. */
async function withStore(options: { url: string; schema?: string }, body: (store: PostgresStore) => Promise<void>): Promise<void> {
  const pool = new pg.Pool({ connectionString: options.url, max: 2, connectionTimeoutMillis: 5_000 });
  const store = new PostgresStore({ pool, schema: options.schema ?? 'limits', sweepIntervalMs: false });
  try {
    await body(store);
  } finally {
    await store.close();
    await pool.end();
  }
}

test.each([
  ['a wrong password', () => url('sluice_unprivileged:wrong'), 'limits', '28P01', /password authentication failed/],
  ['a role that does not exist', () => url('nobody:x'), 'limits', '28P01', /password authentication failed/],
  ['a database that does not exist', () => url(encodeURIComponent(server.user), 'no_such_db'), 'limits', '3D000', /does not exist/],
  ['a schema that was never migrated (one policy: the upsert)', () => url(encodeURIComponent(server.user)), 'not_migrated', '42P01', /migrate\(\)/],
  ['a missing table (schema there, never migrated)', () => url(encodeURIComponent(server.user)), 'public', '42P01', /migrate\(\)/],
  ['a missing privilege', () => url('sluice_unprivileged:right'), 'limits', '42501', /permission denied/],
  ['a schema that was never migrated (two policies: the function)', () => url(encodeURIComponent(server.user)), 'not_migrated', '3F000', /migrate\(\)/, twoPolicies],
  ['a missing decision function (schema there, never migrated)', () => url(encodeURIComponent(server.user)), 'public', '42883', /migrate\(\)/, twoPolicies],
  ['a missing privilege (two policies)', () => url('sluice_unprivileged:right'), 'limits', '42501', /permission denied/, twoPolicies],
])('%s is a configuration error with the cause named', async (_, makeUrl, schema, code, message, sent = request) => {
  await withStore({ url: makeUrl(), schema }, async (store) => {
    const failure = await store.consume(sent).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(StoreError);
    expect(failure).toMatchObject({ configuration: true, cause: { code } });
    expect((failure as StoreError).message).toMatch(message);
  });
});

test('the limiter warns once, naming the cause, and keeps deciding by its failure policy', async () => {
  await withStore({ url: url('sluice_unprivileged:wrong') }, async (store) => {
    const warnings: SluiceWarning[] = [];
    const errors: StoreError[] = [];
    const limiter = createLimiter({
      store,
      policies,
      onStoreError: 'deny',
      timeoutMs: 10_000,
      onWarning: (warning) => warnings.push(warning),
      onError: (error) => errors.push(error),
    });
    for (let i = 0; i < 3; i++) expect(await limiter.consume('a')).toMatchObject({ allowed: false, decidedBy: 'failure-policy' });
    expect(errors).toHaveLength(3);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe('SLUICE_STORE_MISCONFIGURED');
    expect(warnings[0]!.message).toContain('password authentication failed for user "sluice_unprivileged"');
  });
});

test('passing trouble is not a configuration error: refused connections, timeouts, lock and serialization failures', () => {
  const passing = [
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    new Error('Connection terminated unexpectedly'),
    new Error('timeout exceeded when trying to connect'),
    { code: '57P01', message: 'terminating connection due to administrator command' },
    { code: '57014', message: 'canceling statement due to statement timeout' },
    { code: '53300', message: 'sorry, too many clients already' },
    { code: '40001', message: 'could not serialize access' },
    { code: '08P01', message: 'query_wait_timeout' },
  ];
  expect(passing.map(isConfigurationFailure)).toEqual(passing.map(() => false));
  const setup = [
    { code: '28000', message: 'no pg_hba.conf entry for host' },
    { code: '08P01', message: 'no such database: app' },
    { code: '26000', message: 'prepared statement "sluice_1" does not exist' },
    new Error('The server does not support SSL connections'),
  ];
  expect(setup.map(isConfigurationFailure)).toEqual(setup.map(() => true));
});

test('a database in an encoding that cannot hold every key is refused by migrate(), as a configuration error', async () => {
  await admin.query(`CREATE DATABASE sluice_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
  await withStore({ url: url(encodeURIComponent(server.user), 'sluice_latin1') }, async (store) => {
    await expect(store.migrate()).rejects.toMatchObject({ configuration: true, message: expect.stringContaining('LATIN1') });
  });
});

test('the least privileges docs/postgres.md lists are enough to decide, reset, sweep and run a no-op migrate()', async () => {
  // The grants as the docs give them, for the store's schema `limits`.
  await admin.query(`
    CREATE ROLE sluice_app LOGIN PASSWORD 'app';
    GRANT USAGE ON SCHEMA limits TO sluice_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON limits.sluice_state TO sluice_app;
    GRANT SELECT ON limits.sluice_state_migrations TO sluice_app;`);
  await withStore({ url: url('sluice_app:app') }, async (store) => {
    expect(await store.migrate()).toEqual([]);
    expect((await store.consume({ ...request, key: 'grants:{a}' }))[0]!.allowed).toBe(true);
    await store.reset('grants:{a}', policies);
    await expect(store.sweep()).resolves.toBe(0);
  });
});
