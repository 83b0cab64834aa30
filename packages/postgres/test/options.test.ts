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
  [{ pool, preparedStatements: 'no' }, 'preparedStatements'],
  [{ pool, preparedStatements: 0 }, 'preparedStatements'],
  [{ pool, sweepIntervalMs: 2 ** 31 }, 'sweepIntervalMs'],
  [{ pool, sweepIntervalMs: Infinity }, 'sweepIntervalMs'],
  [{ pool, sweepBatch: '500' }, 'sweepBatch'],
  [{ pool, schema: '' }, 'schema'],
  [{ pool, schema: 42 }, 'schema'],
  [{ pool, table: ['sluice'] }, 'table'],
  [{ pool: new Map() }, 'pool'],
  [{ connectionString: 5432 }, 'connectionString'],
])('refuses %p, naming `%s`', (options, option) => {
  const error = rejection(options);
  expect(error.option).toBe(option);
  expect(error.code).toBe(ErrorCodes.INVALID_OPTION);
  expect(error.message).toContain(`\`${option}\``);
});

// null is a value, not an absent option: never silently the default. NaN never a number of ms.
const EVERY_OPTION = ['pool', 'connectionString', 'schema', 'table', 'unlogged', 'autoMigrate', 'preparedStatements', 'sweepIntervalMs', 'sweepBatch', 'onError'];

test.each(EVERY_OPTION)('`%s: null` is refused, naming the option', (option) => {
  const base = option === 'pool' || option === 'connectionString' ? {} : { pool };
  const error = rejection({ ...base, [option]: null });
  expect([error.option, error.code]).toEqual([option, ErrorCodes.INVALID_OPTION]);
});

test.each(EVERY_OPTION)('`%s: NaN` is refused, naming the option', (option) => {
  const base = option === 'pool' || option === 'connectionString' ? {} : { pool };
  const error = rejection({ ...base, [option]: NaN });
  expect([error.option, error.code]).toEqual([option, ErrorCodes.INVALID_OPTION]);
});

test('`pool: null` beside a connection string is named as `pool`, not as a conflict', () => {
  expect(rejection({ pool: null, connectionString: 'postgres://x' }).option).toBe('pool');
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
  for (const option of ['schema', 'table', 'unlogged']) {
    for (const value of [null, NaN, 1]) {
      expect(() => migrationSql({ [option]: value } as never)).toThrow(expect.objectContaining({ option, code: ErrorCodes.INVALID_OPTION }));
    }
  }
  expect(() => migrationSql({ tabel: 'x' } as never)).toThrow(expect.objectContaining({ option: 'tabel', code: ErrorCodes.UNKNOWN_OPTION }));
  expect(migrationSql({ schema: 'limits', unlogged: true })).toContain('CREATE UNLOGGED TABLE IF NOT EXISTS "limits"."sluice_state"');
});
