import pg from 'pg';
import { PostgresStore, type PostgresStoreOptions } from '../../src';
import { testDatabase, type TestDatabase } from './database';

export interface MigratedStore {
  db: TestDatabase;
  pool: pg.Pool;
  store: PostgresStore;
}

/**
 * Registers the setup most test files share: a database (own schema), a pool of `poolSize`,
 * and a migrated store without a background sweep; all torn down after the file. The fields
 * are filled in by `beforeAll`.
 */
export function useMigratedStore(poolSize: number, options: Partial<PostgresStoreOptions> = {}): MigratedStore {
  const fixture = {} as MigratedStore;
  beforeAll(async () => {
    fixture.db = await testDatabase();
    fixture.pool = new pg.Pool({ connectionString: fixture.db.connectionString, max: poolSize });
    fixture.store = new PostgresStore({ pool: fixture.pool, schema: fixture.db.schema, sweepIntervalMs: false, ...options });
    await fixture.store.migrate();
  }, 60_000);
  afterAll(async () => {
    await fixture.store?.close();
    await fixture.pool?.end();
    await fixture.db?.stop();
  });
  return fixture;
}
