import {
  assertKnownKeys,
  assertPlainObject,
  assertPositiveInteger,
  InvalidOptionError,
  type StoreError,
} from '@sluice/core';
import type { Pool } from 'pg';
import { assertIdentifier } from './identifiers.js';

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
  /** Run `migrate()` when the store is made; decisions wait for it. Default false: never create tables unasked. */
  autoMigrate?: boolean;
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

function optionalBoolean(value: unknown, option: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new InvalidOptionError(option, value, 'true or false');
  return value;
}

export function resolveOptions(options: unknown): ResolvedOptions {
  assertPlainObject(options, 'PostgresStore options');
  assertKnownKeys(options, OPTION_KEYS, '');
  const { pool, connectionString } = options;
  if (pool !== undefined && connectionString !== undefined) {
    throw new InvalidOptionError('connectionString', connectionString, 'either `pool` or `connectionString`, not both');
  }
  if (pool === undefined && connectionString === undefined) {
    throw new InvalidOptionError('pool', pool, 'a pg Pool (or give `connectionString`)');
  }
  if (pool !== undefined && !isPool(pool)) throw new InvalidOptionError('pool', pool, 'a pg Pool');
  if (connectionString !== undefined && (typeof connectionString !== 'string' || connectionString.length === 0)) {
    throw new InvalidOptionError('connectionString', connectionString, 'a non-empty PostgreSQL connection URL');
  }
  const sweepIntervalMs =
    options.sweepIntervalMs === false
      ? false
      : assertPositiveInteger(options.sweepIntervalMs ?? 60_000, 'sweepIntervalMs', 2 ** 31 - 1);
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new InvalidOptionError('onError', options.onError, 'a function');
  }
  return {
    pool: pool as Pool | undefined,
    connectionString: connectionString as string | undefined,
    schema: assertIdentifier(options.schema ?? 'public', 'schema'),
    table: assertIdentifier(options.table ?? 'sluice_state', 'table'),
    unlogged: optionalBoolean(options.unlogged, 'unlogged', false),
    autoMigrate: optionalBoolean(options.autoMigrate, 'autoMigrate', false),
    sweepIntervalMs,
    sweepBatch: assertPositiveInteger(options.sweepBatch ?? 500, 'sweepBatch', 100_000),
    onError: options.onError as ResolvedOptions['onError'],
  };
}
