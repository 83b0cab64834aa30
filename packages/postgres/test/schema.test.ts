import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { concurrency, fixedWindow, penalty, StoreError } from '@sluice/core';
import pg from 'pg';
import { migrationSql, PostgresStore } from '../src';
import { FILLFACTOR, MIGRATIONS } from '../src/sql/migrations';
import { objectNames } from '../src/sql/names';
import { PENALTY_FUNCTION_V4_ARGS } from '../src/sql/penalty-function';
import { testDatabase, uniqueSchema, type TestDatabase } from './harness/database';

let db: TestDatabase;
let pool: pg.Pool;
const schemas: string[] = [];

beforeAll(async () => {
  db = await testDatabase();
  pool = new pg.Pool({ connectionString: db.connectionString, max: 6 });
}, 60_000);

afterAll(async () => {
  for (const schema of schemas) await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await pool?.end();
  await db?.stop();
});

function schema(): string {
  const name = uniqueSchema();
  schemas.push(name);
  return name;
}

const store = (options: Partial<ConstructorParameters<typeof PostgresStore>[0]>) =>
  new PostgresStore({ pool, sweepIntervalMs: false, ...options });
const policies = [fixedWindow({ limit: 2, window: '1m' })];

async function relation(name: string): Promise<{ relpersistence: string } | undefined> {
  const result = await pool.query('SELECT relpersistence FROM pg_class WHERE oid = to_regclass($1)', [name]);
  return result.rows[0];
}

test('the shipped sql/001_init.sql is exactly what migrate() runs with the defaults', () => {
  const file = readFileSync(join(__dirname, '..', 'sql', '001_init.sql'), 'utf8');
  expect(file).toBe(migrationSql());
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { files: string[] };
  expect(manifest.files).toContain('sql');
});

test('the shipped SQL file runs as-is, twice, and gives a working store', async () => {
  const client = new pg.Client({ connectionString: db.connectionString });
  await client.connect();
  try {
    const name = schema();
    await client.query(`CREATE SCHEMA "${name}"`);
    const sql = migrationSql({ schema: name });
    await client.query(sql);
    await client.query(sql);
    const s = store({ schema: name });
    expect(await s.migrate()).toEqual([]);
    const [result] = await s.consume({ key: 'file:{a}', policies, cost: 1, mode: 'consume' });
    expect(result).toMatchObject({ allowed: true, remaining: 1 });
  } finally {
    await client.end();
  }
});

test('the store never creates tables unasked: decisions fail with a StoreError naming migrate()', async () => {
  const name = schema();
  const s = store({ schema: name });
  const failure = s.consume({ key: 'none:{a}', policies, cost: 1, mode: 'consume' });
  await expect(failure).rejects.toBeInstanceOf(StoreError);
  await expect(failure).rejects.toThrow(/migrate\(\)/);
  await expect(failure).rejects.toHaveProperty('cause');
  expect(await relation(`"${name}"."sluice_state"`)).toBeUndefined();
});

test('migrate() is versioned and idempotent, also when many run at once', async () => {
  const name = schema();
  const stores = Array.from({ length: 5 }, () => store({ schema: name, table: 'limits' }));
  const applied = await Promise.all(stores.map((s) => s.migrate()));
  expect(applied.filter((versions) => versions.length > 0)).toEqual([[1, 2, 3, 4, 5, 6]]);
  expect(await stores[0]!.migrate()).toEqual([]);
  const versions = await pool.query(`SELECT version FROM "${name}"."limits_migrations"`);
  expect(versions.rows).toEqual([{ version: 1 }, { version: 2 }, { version: 3 }, { version: 4 }, { version: 5 }, { version: 6 }]);
  expect((await relation(`"${name}"."limits"`))?.relpersistence).toBe('p');
  // Version 3 leaves room on each page for HOT updates.
  const options = await pool.query('SELECT reloptions FROM pg_class WHERE oid = to_regclass($1)', [`"${name}"."limits"`]);
  expect(options.rows).toEqual([{ reloptions: [`fillfactor=${FILLFACTOR}`] }]);
});

test('autoMigrate creates the schema before the first decision', async () => {
  const name = schema();
  const s = store({ schema: name, autoMigrate: true });
  const [result] = await s.consume({ key: 'auto:{a}', policies, cost: 1, mode: 'consume' });
  expect(result).toMatchObject({ allowed: true, remaining: 1 });
  await s.close();
});

test('unlogged: true creates an UNLOGGED table, and a mismatch with an existing table is reported', async () => {
  const name = schema();
  await store({ schema: name, unlogged: true }).migrate();
  expect((await relation(`"${name}"."sluice_state"`))?.relpersistence).toBe('u');
  await expect(store({ schema: name, unlogged: false }).migrate()).rejects.toThrow(/UNLOGGED table but the store has unlogged: false/);
});

test('schema and table names are quoted identifiers (mixed case survives)', async () => {
  const name = schema();
  const s = store({ schema: name, table: 'RateLimits' });
  await s.migrate();
  expect(await relation(`"${name}"."RateLimits"`)).toBeDefined();
  const [result] = await s.consume({ key: 'case:{a}', policies, cost: 1, mode: 'consume' });
  expect(result!.allowed).toBe(true);
});

test('a database at version 1 is upgraded to the latest in place: state rows kept, both decision paths work', async () => {
  const name = schema();
  const names = objectNames(name, 'sluice_state');
  await pool.query(`CREATE SCHEMA "${name}"`);
  await pool.query(MIGRATIONS[0]!.sql({ names, unlogged: false }));
  const key = 'upgrade:{a}';
  // A window opened at t = 1 s with one unit used, written by version 1 (no decided_us column then).
  await pool.query(`INSERT INTO ${names.qualifiedTable} (key, time_us, units, expires_at) VALUES ($1, 1000000, 1, 61000000)`, [
    key + ':' + policies[0]!.id,
  ]);
  const s = store({ schema: name });
  expect(await s.migrate()).toEqual([2, 3, 4, 5, 6]);
  const [single] = await s.consume({ key, policies, cost: 1, mode: 'consume', nowMs: 2_000 });
  expect(single).toMatchObject({ allowed: true, remaining: 0 });
  const two = [...policies, fixedWindow({ limit: 5, window: '1h' })];
  const results = await s.consume({ key, policies: two, cost: 1, mode: 'consume', nowMs: 2_000 });
  expect(results.map((r) => r.allowed)).toEqual([false, true]);
});

test('version 5 drops the nine-parameter decision function of an earlier build, and leases work after the upgrade', async () => {
  const name = schema();
  const names = objectNames(name, 'sluice_state');
  await pool.query(`CREATE SCHEMA "${name}"`);
  for (const migration of MIGRATIONS.slice(0, 4)) await pool.query(migration.sql({ names, unlogged: false }));
  // What versions 2 to 4 of an earlier build installed: the decision function without p_lease.
  await pool.query(`DROP FUNCTION ${names.qualifiedDecide}(text, text[], smallint[], bigint[], bigint[], bigint[], bigint, smallint, bigint, text)`);
  await pool.query(
    `CREATE FUNCTION ${names.qualifiedDecide}(text, text[], smallint[], bigint[], bigint[], bigint[], bigint, smallint, bigint)
     RETURNS float8[] LANGUAGE sql AS 'SELECT ARRAY[]::float8[]'`,
  );
  const s = store({ schema: name });
  expect(await s.migrate()).toEqual([5, 6]);
  const arities = await pool.query('SELECT pronargs FROM pg_proc WHERE oid::regprocedure::text LIKE $1 ORDER BY pronargs', [`%${name}%decide(%`]);
  expect(arities.rows).toEqual([{ pronargs: 10 }]);
  const inflight = [concurrency({ limit: 1, leaseMs: '1m' })];
  const [taken] = await s.consume({ key: 'lease:{a}', policies: inflight, cost: 1, mode: 'consume', nowMs: 1_000, lease: 'x' });
  expect(taken).toMatchObject({ allowed: true, remaining: 0 });
  const [released] = await s.consume({ key: 'lease:{a}', policies: inflight, cost: 1, mode: 'release', nowMs: 1_000, lease: 'x' });
  expect(released).toMatchObject({ allowed: true, remaining: 1 });
});

test('version 6 replaces the fourteen-parameter penalty function of version 4, and a penalty watches leases after it', async () => {
  const name = schema();
  const names = objectNames(name, 'sluice_state');
  await pool.query(`CREATE SCHEMA "${name}"`);
  for (const migration of MIGRATIONS.slice(0, 5)) await pool.query(migration.sql({ names, unlogged: false }));
  // What version 4 of an earlier build installed: the penalty function without p_lease.
  await pool.query(`DROP FUNCTION ${names.qualifiedDecidePenalty}(${PENALTY_FUNCTION_V4_ARGS}, text)`);
  await pool.query(`CREATE FUNCTION ${names.qualifiedDecidePenalty}(${PENALTY_FUNCTION_V4_ARGS}) RETURNS float8[] LANGUAGE sql AS 'SELECT ARRAY[]::float8[]'`);
  const s = store({ schema: name });
  expect(await s.migrate()).toEqual([6]);
  const arities = await pool.query('SELECT pronargs FROM pg_proc WHERE oid::regprocedure::text LIKE $1', [`%${name}%decide_penalty(%`]);
  expect(arities.rows).toEqual([{ pronargs: 15 }]);
  const policies = [concurrency({ limit: 1, leaseMs: '1m' }), penalty({ after: 1, within: '1m', blockFor: '1m' })];
  const taken = await s.consume({ key: 'p:{a}', policies, cost: 1, mode: 'consume', nowMs: 1_000, lease: 'x' });
  expect(taken.map((r) => r.allowed)).toEqual([true, true]);
  const denied = await s.consume({ key: 'p:{a}', policies, cost: 1, mode: 'consume', nowMs: 1_000, lease: 'y' });
  expect(denied[1]).toMatchObject({ allowed: false, retryAfterMs: 60_000 });
});
