import { breakerStateOf, createLimiter, fixedWindow, sleep, type BreakerEvent, type Decision } from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import { Redis } from 'ioredis';
import { startRedisProcess, type RedisProcess } from './harness/redis-process';
import { waitUntil } from './harness/wait';

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
  test('calls already sent to a frozen Redis run when it resumes: charged, though the failure policy answered them (docs/resilience.md)', async () => {
    const prefix = `replay-${process.pid}`;
    const policies = [fixedWindow({ limit: 100, window: '1m' })];
    const store = new RedisStore({ client });
    const limiter = createLimiter({ store, prefix, policies, timeoutMs: 50, onStoreError: 'deny', onWarning: () => {}, breaker: { failureThreshold: 3, cooldownMs: 60_000 } });
    // Another store object on the same client: its own breaker (off), to read the key afterwards.
    const reader = createLimiter({ store: new RedisStore({ client }), prefix, policies, breaker: false, blockCache: false });
    expect(await reader.peek('k')).toMatchObject({ remaining: 100, decidedBy: 'store' });
    process.kill(server.pid, 'SIGSTOP');
    let answered: Decision[] = [];
    try {
      answered = await Promise.all(Array.from({ length: 10 }, () => limiter.consume('k')));
      // Once open, the breaker sends nothing more: these never reach Redis.
      expect(breakerStateOf(store)).toBe('open');
      for (let i = 0; i < 5; i++) expect(await limiter.consume('k')).toMatchObject({ degraded: 'breaker-open' });
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    expect(answered).toHaveLength(10);
    for (const decision of answered) expect(decision).toMatchObject({ allowed: false, decidedBy: 'failure-policy', degraded: 'timeout' });
    // The 10 calls sent before the breaker opened were in Redis's socket buffer: it runs them on SIGCONT.
    await waitUntil(async () => (await reader.peek('k')).remaining === 90, 5_000, 'the frozen calls never ran');
    expect((await reader.peek('k')).remaining).toBe(90);
  }, 30_000);
});
