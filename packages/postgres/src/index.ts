/**
 * PostgresStore on pg: one SQL statement per decision. See docs/postgres.md.
 *
 * @module @sluice/postgres
 */
export { PostgresStore } from './postgres-store.js';
export type { PostgresStoreOptions } from './options.js';
export type { SweepOptions } from './sweeper.js';
export { migrationSql, type MigrationSqlOptions } from './migration-sql.js';
