import { breakerStateOf, createLimiter, fixedWindow, sleep, type BreakerEvent } from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import { Redis } from 'ioredis';
import { startRedisProcess, type RedisProcess } from './harness/redis-process';

// The limiter's circuit breaker against a real redis-server frozen by SIGSTOP (its own server:
// this test freezes it). Closed, every call waits timeoutMs; open, decisions come back without
// a promise to Redis; after SIGCONT and the cool-down, probes close it again.
describe('circuit breaker on a frozen Redis', () => {
  let server: RedisProcess;
  let client: Redis;

  beforeAll(async () => {
    server = await startRedisProcess();
    client = new Redis({ host: '127.0.0.1', port: server.port, lazyConnect: true, disconnectTimeout: 50 });
    await client.connect();
  }, 30_000);

  afterAll(async () => {
    if (server !== undefined) process.kill(server.pid, 'SIGCONT');
    client?.disconnect();
    await server?.stop();
  });

  test('opens after failureThreshold timeouts, decides at once while open, closes after the probes succeed', async () => {
    const store = new RedisStore({ client });
    const limiter = createLimiter({
      store,
      prefix: `breaker-${process.pid}`,
      policies: [fixedWindow({ limit: 100, window: '1m' })],
      timeoutMs: 50,
      onWarning: () => {},
      breaker: { failureThreshold: 3, cooldownMs: 300, halfOpenProbes: 2 },
    });
    const transitions: string[] = [];
    limiter.events.on('breaker', (e: BreakerEvent) => transitions.push(`${e.from}>${e.to}`));
    expect((await limiter.consume('k')).decidedBy).toBe('store');

    process.kill(server.pid, 'SIGSTOP');
    try {
      for (let i = 0; i < 3; i++) expect(await limiter.consume('k')).toMatchObject({ allowed: true, degraded: 'timeout' });
      expect(breakerStateOf(store)).toBe('open');
      for (let i = 0; i < 100; i++) {
        const decision = limiter.decide('k', 1, 'consume');
        expect(typeof (decision as { then?: unknown }).then).toBe('undefined');
        expect(decision).toMatchObject({ allowed: true, decidedBy: 'failure-policy', degraded: 'breaker-open' });
      }
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }

    await sleep(350);
    // The first calls after the cool-down are probes to Redis; two successes close the breaker.
    expect((await limiter.consume('k')).decidedBy).toBe('store');
    expect((await limiter.consume('k')).decidedBy).toBe('store');
    expect(breakerStateOf(store)).toBe('closed');
    expect(transitions).toEqual(['closed>open', 'open>half-open', 'half-open>closed']);
  }, 30_000);
});
