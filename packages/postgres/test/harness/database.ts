import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startPostgres } from './postgres-server';

/** A server for one test file: DATABASE_URL if set, else a throwaway one started here. */
export interface TestDatabase {
  connectionString: string;
  /** A schema no other test file uses, dropped by `stop()`. */
  schema: string;
  stop(): Promise<void>;
}

export function uniqueSchema(): string {
  return 'sluice_test_' + randomBytes(6).toString('hex');
}

export async function testDatabase(): Promise<TestDatabase> {
  const schema = uniqueSchema();
  const external = process.env.DATABASE_URL;
  if (external) {
    return {
      connectionString: external,
      schema,
      stop: async () => {
        const client = new pg.Client({ connectionString: external });
        await client.connect();
        try {
          await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        } finally {
          await client.end();
        }
      },
    };
  }
  const server = await startPostgres();
  return { connectionString: server.connectionString, schema, stop: () => server.stop() };
}
