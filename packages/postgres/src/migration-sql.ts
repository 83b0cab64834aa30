import { assertKnownKeys, assertPlainObject } from '@sluice/core';
import { optionalBoolean, optionalIdentifier } from './options.js';
import { MIGRATIONS } from './sql/migrations.js';
import { objectNames } from './sql/names.js';

/** Options of `migrationSql`: the same names as PostgresStoreOptions, so the SQL matches the store. */
export interface MigrationSqlOptions {
  /** Schema of the table and functions (an identifier, quoted in the SQL). Default 'public'. */
  schema?: string;
  /** Table name; the functions are named after it. Default 'sluice_state'. */
  table?: string;
  /** CREATE UNLOGGED TABLE: no WAL, state lost on crash or failover. Default false. */
  unlogged?: boolean;
}

/**
 * The SQL `migrate()` runs, for teams that apply migrations with their own tools.
 * `sql/001_init.sql` in the package is this with the defaults (public.sluice_state).
 */
export function migrationSql(options: MigrationSqlOptions = {}): string {
  assertPlainObject(options, 'migrationSql options');
  assertKnownKeys(options, new Set(['schema', 'table', 'unlogged']), '');
  const schema = optionalIdentifier(options.schema, 'schema', 'public');
  const table = optionalIdentifier(options.table, 'table', 'sluice_state');
  const settings = { names: objectNames(schema, table), unlogged: optionalBoolean(options.unlogged, 'unlogged', false) };
  return MIGRATIONS.map((migration) => migration.sql(settings)).join('\n');
}
