import { toStoreError, StoreError } from '@sluice/core';
import type { ObjectNames } from './sql/names.js';

/** SQLSTATEs meaning the store's objects are not there yet. */
const MISSING_OBJECT = new Set(['42P01', '42883', '3F000']);

/** Wraps a pg failure in a StoreError (original as `cause`), pointing at `migrate()` when the schema is missing. */
export function storeFailure(error: unknown, names: ObjectNames): StoreError {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && MISSING_OBJECT.has(code)) {
    const message = error instanceof Error ? error.message : String(error);
    return new StoreError(
      `PostgresStore: ${message}. Create ${names.qualifiedTable} and its functions first: ` +
        'call store.migrate(), pass autoMigrate: true, or run sql/001_init.sql (migrationSql() for other names).',
      { cause: error },
    );
  }
  return toStoreError(error);
}
