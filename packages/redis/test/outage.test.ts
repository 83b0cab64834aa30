import { createLimiter, fixedWindow, StoreError } from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import { Redis, type RedisOptions } from 'ioredis';
import { startRedisProcess, type RedisProcess } from './harness/redis-process';
import { waitUntil } from './harness/wait';

// Always a server of its own, even with REDIS_URL set: this test stops it.
describe('a Redis that goes down', () => {
  const policies = [fixedWindow({ limit: 100, window: '1m' })];
  let server: RedisProcess;
  let failFast: Redis;
  let queueing: Redis;

  let clientOptions: RedisOptions;

  beforeAll(async () => {
    server = await startRedisProcess();
    // disconnect() of a client that is between reconnect attempts keeps a timer this long.
    clientOptions = { host: '127.0.0.1', port: server.port, disconnectTimeout: 50 };
    // The advice in docs/redis.md: fail at once while disconnected instead of queueing.
    // Connected first on purpose: this file is about losing a connection (down-at-boot.test.ts
    // covers a server that is down when the app starts).
    failFast = new Redis({ ...clientOptions, enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: true });
    await failFast.connect();
    // ioredis defaults: commands wait in the offline queue while it reconnects.
    queueing = new Redis({ ...clientOptions });
    const stores = [failFast, queueing].map((client) => new RedisStore({ client }));
    for (const store of stores) await store.consume({ key: 'sluice:{up}', policies, cost: 1, mode: 'consume' });
    await server.stop();
    await waitUntil(async () => failFast.status !== 'ready' && queueing.status !== 'ready', 10_000, 'clients never noticed the server stopping');
  }, 30_000);

  afterAll(async () => {
    failFast?.disconnect();
    queueing?.disconnect();
    await server?.stop();
  });

  test('consume rejects with a StoreError carrying the ioredis error as cause', async () => {
    const store = new RedisStore({ client: failFast });
    const error = await store.consume({ key: 'sluice:{down}', policies, cost: 1, mode: 'consume' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).cause).toBeInstanceOf(Error);
    // An outage, not a setup mistake: the limiter must not call it a misconfiguration.
    expect((error as StoreError).configuration).toBe(false);
    await expect(store.reset('sluice:{down}', policies)).rejects.toBeInstanceOf(StoreError);
  });

  test("the limiter turns the failure into a degraded decision per its failure policy", async () => {
    const store = new RedisStore({ client: failFast });
    const seen: StoreError[] = [];
    const allowing = createLimiter({ store, policies, onStoreError: 'allow', onError: (error) => seen.push(error) });
    const denying = createLimiter({ store, policies, onStoreError: 'deny' });
    expect(await allowing.consume('down')).toMatchObject({ allowed: true, degraded: 'store-error' });
    expect(await denying.consume('down')).toMatchObject({ allowed: false, degraded: 'store-error' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(StoreError);
  });

  test('with the offline queue on, the limiter timeout answers instead of a hang', async () => {
    const limiter = createLimiter({ store: new RedisStore({ client: queueing }), policies, timeoutMs: 200 });
    expect(await limiter.consume('down')).toMatchObject({ allowed: true, degraded: 'timeout' });
  });
});
