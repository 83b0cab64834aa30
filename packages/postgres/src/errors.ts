import { toStoreError, type StoreError } from '@sluice/core';
import type { ObjectNames } from './sql/names.js';

/** SQLSTATEs meaning the store's objects are not there yet. */
const MISSING_OBJECT = new Set(['42P01', '42883', '3F000']);

/** SQLSTATEs of a prepared statement the server does not hold as the client expects (a pooler in between). */
export const PREPARED_STATEMENT_MISMATCH = new Set(['26000', '42P05']);

/**
 * Failures that retrying cannot fix, only the setup: PostgreSQL error codes
 * (https://www.postgresql.org/docs/current/errcodes-appendix.html), whole class 28
 * (authorization: wrong password, no pg_hba entry) plus the codes below.
 */
const CONFIGURATION_CODES = new Set([
  '3D000', // invalid_catalog_name: the database does not exist
  '42501', // insufficient_privilege
  ...MISSING_OBJECT,
  ...PREPARED_STATEMENT_MISMATCH,
]);

/**
 * PgBouncer reports its own login failures as SQLSTATE 08P01 (protocol_violation), a code it
 * also uses for passing trouble (query_wait_timeout, server down): only these messages are setup.
 */
const POOLER_LOGIN_FAILURE = /authentication failed|no such (user|database)/i;

/** pg's own messages for settings that cannot work (no SSL on the server, no password given). */
const CLIENT_SETUP_FAILURE = /does not support SSL connections|client password must be a string/;

function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** True when the failure can only be a setup mistake (see StoreError.configuration). */
export function isConfigurationFailure(error: unknown): boolean {
  const code = sqlState(error);
  if (code !== undefined) {
    if (code.startsWith('28') || CONFIGURATION_CODES.has(code)) return true;
    if (code === '08P01') return POOLER_LOGIN_FAILURE.test(messageOf(error));
  }
  return CLIENT_SETUP_FAILURE.test(messageOf(error));
}

function hint(code: string | undefined, names: ObjectNames): string {
  if (code !== undefined && MISSING_OBJECT.has(code)) {
    return (
      `Create ${names.qualifiedTable} and its functions first: call store.migrate(), pass autoMigrate: true, ` +
      'or run sql/001_init.sql (migrationSql() for other names).'
    );
  }
  if (code !== undefined && PREPARED_STATEMENT_MISMATCH.has(code)) {
    return 'A connection pooler that does not keep prepared statements (PgBouncer in transaction mode)? Pass preparedStatements: false.';
  }
  if (code === '42501') return `Grant the role the privileges docs/postgres.md lists (USAGE on the schema, EXECUTE on ${names.qualifiedDecide}).`;
  return '';
}

/**
 * Wraps a pg failure in a StoreError (original as `cause`), with `configuration: true` and a
 * hint when only the setup can explain it. Sluice errors (closed store, ...) pass through.
 */
export function storeFailure(error: unknown, names: ObjectNames): StoreError {
  return toStoreError(error, {
    store: 'PostgresStore',
    configuration: isConfigurationFailure,
    hint: (cause: unknown) => {
      const advice = hint(sqlState(cause), names);
      return advice && '. ' + advice;
    },
  });
}
