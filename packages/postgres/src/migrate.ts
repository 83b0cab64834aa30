import { StoreError } from '@sluice/core';
import type { Pool, PoolClient } from 'pg';
import { MIGRATIONS, type MigrationSettings } from './sql/migrations.js';

/**
 * Applies the migrations this version knows and the database lacks, in one transaction.
 * Concurrent migrate() calls (several app instances booting) are serialized by a
 * transaction-scoped advisory lock; decisions never take one.
 * Returns the versions applied.
 */
export async function migrate(pool: Pool, settings: MigrationSettings): Promise<number[]> {
  const { names } = settings;
  const client = await pool.connect();
  let failed = false;
  try {
    await client.query('BEGIN');
    await assertEncoding(client);
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`sluice:${names.schema}.${names.table}`]);
    await ensureSchema(client, names.schema, names.quotedSchema);
    const current = await appliedVersion(client, names.qualifiedMigrations);
    const applied: number[] = [];
    for (const migration of MIGRATIONS) {
      if (migration.version <= current) continue;
      await client.query(migration.sql(settings));
      applied.push(migration.version);
    }
    await assertPersistence(client, names.qualifiedTable, settings.unlogged);
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    failed = true;
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release(failed);
  }
}

/**
 * Keys are any Unicode text (core escapes only NUL and unpaired surrogates): a database in
 * an encoding such as LATIN1 would refuse most of them, so each such client would fail open.
 * SQL_ASCII stores the bytes as given, which is lossless too.
 */
async function assertEncoding(client: PoolClient): Promise<void> {
  const result = await client.query(`SELECT current_setting('server_encoding') AS encoding`);
  const encoding = String(result.rows[0]?.encoding);
  if (encoding !== 'UTF8' && encoding !== 'SQL_ASCII') {
    throw new StoreError(
      `PostgresStore: the database's encoding is ${encoding}, which cannot hold every key (emoji, most scripts). ` +
        'Use a UTF8 database: CREATE DATABASE ... ENCODING \'UTF8\' TEMPLATE template0.',
      { configuration: true },
    );
  }
}

async function ensureSchema(client: PoolClient, schema: string, quoted: string): Promise<void> {
  // Only create a missing schema: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when it exists.
  const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (found.rowCount === 0) await client.query(`CREATE SCHEMA ${quoted}`);
}

async function appliedVersion(client: PoolClient, migrationsTable: string): Promise<number> {
  const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [migrationsTable]);
  if (exists.rows[0]?.present !== true) return 0;
  const result = await client.query(`SELECT coalesce(max(version), 0) AS version FROM ${migrationsTable}`);
  return Number(result.rows[0]?.version ?? 0);
}

/** `unlogged` only shapes a table migrate() creates; an existing table of the other kind is reported, not rewritten. */
async function assertPersistence(client: PoolClient, table: string, unlogged: boolean): Promise<void> {
  const result = await client.query('SELECT relpersistence FROM pg_class WHERE oid = to_regclass($1)', [table]);
  const persistence = result.rows[0]?.relpersistence as string | undefined;
  if (persistence === undefined) return;
  if ((persistence === 'u') !== unlogged) {
    const kind = persistence === 'u' ? 'UNLOGGED' : 'LOGGED';
    throw new StoreError(
      `PostgresStore: ${table} exists as a ${kind} table but the store has unlogged: ${unlogged}. ` +
        `Change the option, or run ALTER TABLE ${table} SET ${unlogged ? 'UNLOGGED' : 'LOGGED'} (this rewrites the table).`,
      { configuration: true },
    );
  }
}
