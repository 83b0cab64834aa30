import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startRedisProcess, type RedisProcess } from '../../redis/test/harness/redis-process';
import { freePort } from './harness/processes';
import { startPostgres, superuserName, type PostgresServer } from './harness/postgres-server';
import { REPO, runSnippet, storeSnippets, type Snippet } from './harness/snippets';

// Every set-up snippet of the README's "Shared state" section and of docs/postgres.md, run
// as written (transpiled, against the built packages) while its database (and Redis) is
// unreachable: it must serve by its failure policy, then limit exactly once the servers come
// up on the ports it was given, with no restart, and never print ioredis' unhandled errors.

const DIST = ['core', 'postgres', 'redis'].map((name) => join(REPO, 'packages', name, 'dist', 'esm', 'index.js'));

const SNIPPETS: Snippet[] = [...storeSnippets('README.md', 'Shared state: Redis or Postgres'), ...storeSnippets('docs/postgres.md')];

let servers: (PostgresServer | RedisProcess)[] = [];

beforeAll(() => {
  const missing = DIST.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`The snippet test runs the built packages, and ${missing.join(', ')} is missing. Run \`npm run build\` (\`npm test\` builds first).`);
  }
});

afterEach(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  servers = [];
});

test('the README section and docs/postgres.md have set-up snippets, each making a limiter', () => {
  expect(SNIPPETS.map((s) => s.where.split(',')[0])).toEqual(expect.arrayContaining(['README.md (Shared state: Redis or Postgres)', 'docs/postgres.md']));
  expect(SNIPPETS.filter((s) => s.limiters.length === 0).map((s) => s.where)).toEqual([]);
});

test.each(SNIPPETS.map((snippet) => [snippet.where, snippet] as const))(
  '%s serves while its stores are down, and limits exactly once they are up',
  async (_, snippet) => {
    const pgPort = await freePort();
    const redisPort = await freePort();
    const app = runSnippet(snippet, {
      DATABASE_URL: `postgres://${encodeURIComponent(superuserName())}@127.0.0.1:${pgPort}/postgres`,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    });
    try {
      const seen = (event: string, name: string) => (lines: Record<string, unknown>[]) =>
        lines.some((line) => line.event === event && line.name === name);
      // Down: every limiter answers, by its failure policy (or fallback store), not by its store.
      for (const name of snippet.limiters) await app.until(seen('decision', name), `a decision from ${name}`, 20_000);
      expect(app.lines.filter((line) => line.decidedBy === 'store')).toEqual([]);

      servers.push(await startPostgres({ port: pgPort }));
      if (snippet.code.includes('REDIS_URL')) servers.push(await startRedisProcess({ port: redisPort }));
      for (const name of snippet.limiters) await app.until(seen('burst', name), `store decisions from ${name}`, 40_000);

      const bursts = app.lines.filter((line) => line.event === 'burst');
      expect(bursts.map((b) => [b.name, b.admitted, b.deciders])).toEqual(snippet.limiters.map((name) => {
        const burst = bursts.find((b) => b.name === name)!;
        return [name, burst.limit, ['store']];
      }));
      expect(app.child.exitCode).toBeNull();
      expect(app.stderr()).not.toContain('Unhandled error event');
    } finally {
      await app.stop();
    }
  },
  90_000,
);
