import { assertKnownKeys, assertPlainObject, InvalidOptionError } from '@sluice/core';
import { assertIdentifier } from './identifiers.js';
import { MIGRATIONS } from './sql/migrations.js';
import { objectNames } from './sql/names.js';

export interface MigrationSqlOptions {
  schema?: string;
  table?: string;
  unlogged?: boolean;
}

/**
 * The SQL `migrate()` runs, for teams that apply migrations with their own tools.
 * `sql/001_init.sql` in the package is this with the defaults (public.sluice_state).
 */
export function migrationSql(options: MigrationSqlOptions = {}): string {
  assertPlainObject(options, 'migrationSql options');
  assertKnownKeys(options, new Set(['schema', 'table', 'unlogged']), '');
  if (options.unlogged !== undefined && typeof options.unlogged !== 'boolean') {
    throw new InvalidOptionError('unlogged', options.unlogged, 'true or false');
  }
  const schema = assertIdentifier(options.schema ?? 'public', 'schema');
  const table = assertIdentifier(options.table ?? 'sluice_state', 'table');
  const settings = { names: objectNames(schema, table), unlogged: options.unlogged === true };
  return MIGRATIONS.map((migration) => migration.sql(settings)).join('\n');
}
