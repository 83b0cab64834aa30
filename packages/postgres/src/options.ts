import {
  assertKnownKeys,
  assertPlainObject,
  assertPositiveInteger,
  InvalidOptionError,
  type StoreError,
} from '@sluice/core';
import type { Pool } from 'pg';
import { assertIdentifier } from './identifiers.js';

/**
 * Options of `new PostgresStore(options)`: `pool` or `connectionString` (exactly one), the
 * rest optional. A bad or unknown option throws InvalidOptionError (ERR_SLUICE_INVALID_OPTION /
 * ERR_SLUICE_UNKNOWN_OPTION) naming it.
 */
export interface PostgresStoreOptions {
  /** A pg Pool you own: the store uses it and never ends it. Give this or `connectionString`. */
  pool?: Pool;
  /** The store makes its own Pool from this URL and ends it on `close()`. */
  connectionString?: string;
  /** Schema of the store's table and functions. Default 'public'. */
  schema?: string;
  /** Table name; the functions are named after it (`<table>_decide`, `<table>_sweep`). Default 'sluice_state'. */
  table?: string;
  /**
   * Create the table UNLOGGED: faster writes, no WAL, but the state is lost on crash or
   * failover (and never reaches replicas). Applies when `migrate()` creates the table. Default false.
   */
  unlogged?: boolean;
  /**
   * Run `migrate()` in the background when the store is made, retrying until it succeeds
   * (backoff from 250 ms to 5 s, one unref'd timer). The first decisions wait for the first
   * attempt; while it keeps failing (database down, wrong password), decisions fail fast with
   * a StoreError and the limiter's `onStoreError` decides. Default false: never create tables unasked.
   */
  autoMigrate?: boolean;
  /**
   * Send the decision as a named prepared statement (parsed once per connection). Set `false`
   * behind a pooler that does not keep a client's prepared statements (PgBouncer in
   * transaction or statement mode before 1.21, or without `max_prepared_statements`, and
   * similar proxies): each decision is then one unnamed statement (Parse/Bind/Execute in one
   * round trip). With `true`, a server that reports the statement missing or already present
   * (SQLSTATE 26000 / 42P05) makes the store switch to unnamed statements for good, retry that
   * decision (it never ran) and report the switch once through `onError`. Default true.
   */
  preparedStatements?: boolean;
  /** How often one background timer deletes expired rows, or `false` for none (use `sweep()` or pg_cron). Default 60 000. */
  sweepIntervalMs?: number | false;
  /** Rows deleted per sweep statement: small batches keep every lock short. Default 500. */
  sweepBatch?: number;
  /** Told about failures no caller awaits: background sweeps, and errors of idle pool clients. */
  onError?: (error: StoreError) => void;
}

export interface ResolvedOptions {
  pool: Pool | undefined;
  connectionString: string | undefined;
  schema: string;
  table: string;
  unlogged: boolean;
  autoMigrate: boolean;
  preparedStatements: boolean;
  sweepIntervalMs: number | false;
  sweepBatch: number;
  onError: ((error: StoreError) => void) | undefined;
}

const OPTION_KEYS = new Set([
  'pool',
  'connectionString',
  'schema',
  'table',
  'unlogged',
  'autoMigrate',
  'preparedStatements',
  'sweepIntervalMs',
  'sweepBatch',
  'onError',
]);

function isPool(value: unknown): value is Pool {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Pool).query === 'function' &&
    typeof (value as Pool).connect === 'function'
  );
}

// `undefined` (absent) takes the default; anything else, null and NaN included, must be valid.

export function optionalBoolean(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidOptionError(option, value, 'true or false');
  return value;
}

export function optionalIdentifier(value: unknown, option: string, fallback: string): string {
  return assertIdentifier(value === undefined ? fallback : value, option);
}

function optionalPositiveInteger(value: unknown, option: string, fallback: number, max: number): number {
  return assertPositiveInteger(value === undefined ? fallback : value, option, max);
}

export function resolveOptions(options: unknown): ResolvedOptions {
  assertPlainObject(options, 'PostgresStore options');
  assertKnownKeys(options, OPTION_KEYS, '');
  const { pool, connectionString } = options;
  // Each given value is checked on its own first, so `pool: null` is named as `pool`.
  if (pool !== undefined && !isPool(pool)) throw new InvalidOptionError('pool', pool, 'a pg Pool');
  if (connectionString !== undefined && (typeof connectionString !== 'string' || connectionString.length === 0)) {
    throw new InvalidOptionError('connectionString', connectionString, 'a non-empty PostgreSQL connection URL');
  }
  if (pool !== undefined && connectionString !== undefined) {
    throw new InvalidOptionError('connectionString', connectionString, 'either `pool` or `connectionString`, not both');
  }
  if (pool === undefined && connectionString === undefined) {
    throw new InvalidOptionError('pool', pool, 'a pg Pool (or give `connectionString`)');
  }
  const sweepIntervalMs =
    options.sweepIntervalMs === false
      ? false
      : optionalPositiveInteger(options.sweepIntervalMs, 'sweepIntervalMs', 60_000, 2 ** 31 - 1);
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new InvalidOptionError('onError', options.onError, 'a function');
  }
  return {
    pool: pool as Pool | undefined,
    connectionString: connectionString as string | undefined,
    schema: optionalIdentifier(options.schema, 'schema', 'public'),
    table: optionalIdentifier(options.table, 'table', 'sluice_state'),
    unlogged: optionalBoolean(options.unlogged, 'unlogged', false),
    autoMigrate: optionalBoolean(options.autoMigrate, 'autoMigrate', false),
    preparedStatements: optionalBoolean(options.preparedStatements, 'preparedStatements', true),
    sweepIntervalMs,
    sweepBatch: optionalPositiveInteger(options.sweepBatch, 'sweepBatch', 500, 100_000),
    onError: options.onError as ResolvedOptions['onError'],
  };
}
