import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLimiter, fixedWindow, type Decision, type Limiter } from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { startClusterProcesses, type ClusterProcesses } from './harness/cluster-process';
import { freePort } from './harness/free-port';
import { startRedisProcess, type RedisProcess } from './harness/redis-process';
import { waitUntil } from './harness/wait';

/**
 * docs/redis.md's set-up, run the way an app runs it when Redis is down at boot: the app must
 * serve (by its failure policy) at once, and limit correctly once Redis comes up, with no
 * restart. Servers of its own, always: the point is a port nobody listens on yet.
 */
const DOC = readFileSync(join(__dirname, '../../../docs/redis.md'), 'utf8');
const SNIPPETS = [...DOC.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!).filter((code) => /new Redis(\.Cluster)?\(/.test(code));

// The client options the snippets give, word for word (the first test checks the doc says so).
const STANDALONE_OPTIONS: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1 };
const STANDALONE_SNIPPET = 'new Redis(process.env.REDIS_URL!, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });';
const CLUSTER_OPTIONS: ClusterOptions = { enableOfflineQueue: false, redisOptions: { maxRetriesPerRequest: 1 } };
const CLUSTER_SNIPPET = '{ enableOfflineQueue: false, redisOptions: { password: process.env.REDIS_PASSWORD, maxRetriesPerRequest: 1 } },';

const LIMIT = 3;
const policies = [fixedWindow({ limit: LIMIT, window: '1h' })];

function appLimiter(client: Redis | Cluster): Limiter {
  // The doc's limiter settings; a limit small enough to count to.
  return createLimiter({ store: new RedisStore({ client }), policies, onStoreError: 'allow', timeoutMs: 100, onWarning: () => {} });
}

async function storeDecision(limiter: Limiter, key: string): Promise<Decision> {
  let decision: Decision | undefined;
  await waitUntil(
    async () => {
      decision = await limiter.consume(key);
      return decision.decidedBy === 'store';
    },
    60_000,
    'decisions never came from Redis after it started',
  );
  return decision!;
}

/**
 * From the first decision Redis made: exactly LIMIT admitted, then denials with a retry time.
 * Redis makes the admissions and the first denial; the doc's limiter has the block cache on (the
 * default for remote stores), so the denials after it repeat Redis's without a round trip, and a
 * peek (which bypasses the cache) shows Redis itself holding the key at its limit.
 */
async function assertLimits(limiter: Limiter, key: string): Promise<void> {
  const decisions = [await storeDecision(limiter, key)];
  for (let i = 0; i < LIMIT + 2; i++) decisions.push(await limiter.consume(key));
  expect(decisions.map((d) => d.decidedBy)).toEqual([...Array(LIMIT + 1).fill('store'), 'block-cache', 'block-cache']);
  expect(decisions.map((d) => d.allowed)).toEqual([...Array(LIMIT).fill(true), false, false, false]);
  const denial = decisions[LIMIT]!;
  expect(denial.retryAfterMs).toBeGreaterThan(0);
  for (const repeated of decisions.slice(LIMIT + 1)) {
    expect(repeated).toMatchObject({ limit: LIMIT, remaining: 0, policy: denial.policy });
    expect(repeated.retryAfterMs).toBeGreaterThan(0);
    expect(repeated.retryAfterMs).toBeLessThanOrEqual(denial.retryAfterMs);
  }
  expect(await limiter.peek(key)).toMatchObject({ decidedBy: 'store', limit: LIMIT, remaining: 0 });
}

describe('docs/redis.md set-up with Redis down at boot', () => {
  test('every client snippet attaches an error listener, fails fast while disconnected, and never waits for a connection', () => {
    expect(SNIPPETS.length).toBeGreaterThanOrEqual(4);
    for (const code of SNIPPETS) {
      expect(code).toMatch(/client\.on\('error'/);
      expect(code).toMatch(/enableOfflineQueue: false/);
      expect(code).not.toMatch(/\.connect\(\)|once\('ready'|lazyConnect/);
    }
    expect(DOC).toContain(STANDALONE_SNIPPET);
    expect(DOC).toContain(CLUSTER_SNIPPET);
  });

  describe('single server', () => {
    let server: RedisProcess | undefined;
    let client: Redis | undefined;
    afterAll(async () => {
      client?.disconnect();
      await server?.stop();
    });

    test('serves by its failure policy while Redis is down, then limits once it is up, with no restart', async () => {
      const port = await freePort();
      const seen: Error[] = [];
      client = new Redis(`redis://127.0.0.1:${port}`, { ...STANDALONE_OPTIONS, disconnectTimeout: 50 });
      client.on('error', (error) => seen.push(error));
      const limiter = appLimiter(client);
      for (let i = 0; i < LIMIT + 2; i++) {
        expect(await limiter.consume('boot')).toMatchObject({ allowed: true, decidedBy: 'failure-policy', degraded: 'store-error' });
      }
      await waitUntil(async () => seen.length > 0, 10_000, 'the error listener never heard of the refused connection');
      server = await startRedisProcess({ port });
      // A fresh server has no scripts: the first EVALSHA gets NOSCRIPT and ioredis sends EVAL.
      await assertLimits(limiter, 'boot');
    });
  });

  describe('client options other than the doc\'s, with the server down at boot', () => {
    let server: RedisProcess | undefined;
    const clients: Redis[] = [];
    afterAll(async () => {
      for (const client of clients) client.disconnect();
      await server?.stop();
    });

    const cases: [string, RedisOptions, 'timeout' | 'store-error'][] = [
      ['ioredis defaults (offline queue, 20 retries per request)', {}, 'timeout'],
      ['offline queue, retrying each request forever', { maxRetriesPerRequest: null }, 'timeout'],
      ['lazyConnect without connect(), offline queue', { lazyConnect: true }, 'timeout'],
      ['no offline queue, no retries', { enableOfflineQueue: false, maxRetriesPerRequest: 0 }, 'store-error'],
    ];

    test('no client setting makes a decision wait on the store: the limiter answers by its timeout or sooner, and the store decides once it is up', async () => {
      const port = await freePort();
      const limiters = cases.map(([, options]) => {
        const client = new Redis({ host: '127.0.0.1', port, disconnectTimeout: 50, ...options });
        client.on('error', () => {});
        clients.push(client);
        return appLimiter(client);
      });
      expect(limiters.length).toBe(cases.length);
      for (const [index, limiter] of limiters.entries()) {
        const [label, , reason] = cases[index]!;
        // 'timeout' means the limiter's own timer answered while the store's call was still pending.
        const decision = await limiter.consume(`case-${index}`);
        expect({ label, decidedBy: decision.decidedBy, degraded: decision.degraded }).toEqual({ label, decidedBy: 'failure-policy', degraded: reason });
      }
      server = await startRedisProcess({ port });
      for (const [index, limiter] of limiters.entries()) {
        const decision = await storeDecision(limiter, `fresh-${index}`);
        expect({ label: cases[index]![0], allowed: decision.allowed }).toEqual({ label: cases[index]![0], allowed: true });
      }
    });

    test('an offline queue that retries forever replays, once Redis is up, charges the failure policy already answered (why the doc turns it off)', async () => {
      const port = await freePort();
      const client = new Redis({ host: '127.0.0.1', port, disconnectTimeout: 50, maxRetriesPerRequest: null });
      client.on('error', () => {});
      clients.push(client);
      const limiter = appLimiter(client);
      for (let i = 0; i < 2; i++) expect(await limiter.consume('replayed')).toMatchObject({ decidedBy: 'failure-policy', degraded: 'timeout' });
      const other = await startRedisProcess({ port });
      try {
        const decision = await storeDecision(limiter, 'replayed');
        expect(decision.remaining).toBe(LIMIT - 3);
      } finally {
        client.disconnect();
        await other.stop();
      }
    });
  });

  describe('Cluster', () => {
    let cluster: ClusterProcesses | undefined;
    let client: Cluster | undefined;
    afterAll(async () => {
      client?.disconnect();
      await cluster?.stop();
    }, 30_000);

    test('serves by its failure policy while the Cluster is down, then limits once it is up, with no restart', async () => {
      const ports = [await freePort(), await freePort(), await freePort()];
      const seen: Error[] = [];
      client = new Redis.Cluster(
        ports.map((port) => ({ host: '127.0.0.1', port })),
        CLUSTER_OPTIONS,
      );
      client.on('error', (error) => seen.push(error));
      const limiter = appLimiter(client);
      for (let i = 0; i < LIMIT + 2; i++) {
        expect(await limiter.consume('boot')).toMatchObject({ allowed: true, decidedBy: 'failure-policy', degraded: 'store-error' });
      }
      // The refused connections surface as 'error' events, which the doc's listener absorbs. The
      // decisions above fail fast (no offline queue), so wait for ioredis's own attempt to report.
      await waitUntil(async () => seen.length > 0, 15_000, 'the error listener never heard of the refused connections');
      cluster = await startClusterProcesses(3, ports);
      await assertLimits(limiter, 'boot');
    }, 90_000);
  });
});
