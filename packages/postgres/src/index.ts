export { PostgresStore } from './postgres-store.js';
export type { PostgresStoreOptions } from './options.js';
export type { SweepOptions } from './sweeper.js';
export { migrationSql, type MigrationSqlOptions } from './migration-sql.js';
