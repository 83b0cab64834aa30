import { ErrorCodes, InvalidOptionError } from '@sluice/core';
import pg from 'pg';
import { migrationSql, PostgresStore, type PostgresStoreOptions } from '../src';

// Validation happens at construction, before any connection: a pool that never connects is enough.
const pool = new pg.Pool({ host: '127.0.0.1', port: 1 });
afterAll(() => pool.end());

function rejection(options: unknown): InvalidOptionError {
  try {
    new PostgresStore(options as PostgresStoreOptions);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected the options to be refused');
}

test.each([
  [{}, 'pool'],
  [{ pool: {} }, 'pool'],
  [{ pool, connectionString: 'postgres://x' }, 'connectionString'],
  [{ connectionString: '' }, 'connectionString'],
  [{ pool, schema: 'my-schema' }, 'schema'],
  [{ pool, schema: 'x"; DROP TABLE y; --' }, 'schema'],
  [{ pool, table: '1table' }, 'table'],
  [{ pool, table: 'a'.repeat(49) }, 'table'],
  [{ pool, unlogged: 'yes' }, 'unlogged'],
  [{ pool, autoMigrate: 1 }, 'autoMigrate'],
  [{ pool, sweepIntervalMs: 0 }, 'sweepIntervalMs'],
  [{ pool, sweepIntervalMs: true }, 'sweepIntervalMs'],
  [{ pool, sweepBatch: 1.5 }, 'sweepBatch'],
  [{ pool, onError: 'log' }, 'onError'],
])('refuses %p, naming `%s`', (options, option) => {
  const error = rejection(options);
  expect(error.option).toBe(option);
  expect(error.code).toBe(ErrorCodes.INVALID_OPTION);
  expect(error.message).toContain(`\`${option}\``);
});

test('an unknown option is named with its own code', () => {
  const error = rejection({ pool, tableName: 'x' });
  expect(error.option).toBe('tableName');
  expect(error.code).toBe(ErrorCodes.UNKNOWN_OPTION);
});

test('options that are not an object are refused', () => {
  expect(() => new PostgresStore(undefined as unknown as PostgresStoreOptions)).toThrow(InvalidOptionError);
});

test('valid options construct without touching the database, and close leaves a handed pool open', async () => {
  const store = new PostgresStore({ pool, schema: 'rate_limits', table: 'state', unlogged: true, sweepIntervalMs: false });
  expect(store.names.qualifiedTable).toBe('"rate_limits"."state"');
  expect(store.names.qualifiedDecide).toBe('"rate_limits"."state_decide"');
  await store.close();
  expect(pool.ending).toBe(false);
});

test('migrationSql validates its options the same way', () => {
  expect(() => migrationSql({ table: 'bad name' })).toThrow(InvalidOptionError);
  expect(migrationSql({ schema: 'limits', unlogged: true })).toContain('CREATE UNLOGGED TABLE IF NOT EXISTS "limits"."sluice_state"');
});
