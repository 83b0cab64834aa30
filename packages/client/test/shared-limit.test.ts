import { startRedisProcess, type RedisProcess } from '../../redis/test/harness/redis-process';

// The driver forks worker processes that load the built packages (as packages/redis's
// multi-process test does); `npm test` builds them first.
const { runSharedLimit } = require('../scripts/shared-limit-run.cjs') as {
  runSharedLimit(options: { redisUrl: string; workers: number; limit: number; windowMs: number; durationMs: number; concurrency: number }): Promise<{
    received: number;
    sentByWorkers: number[];
    admittedAt: number[];
    mostAdmittedInAnyWindow: number;
    mostArrivedInAnyWindow: number;
  }>;
};

let redis: RedisProcess;
beforeAll(async () => {
  redis = await startRedisProcess();
});
afterAll(() => redis.stop());

test('four processes sharing one Redis-backed outbound limit admit exactly the limit per window', async () => {
  // 20 per 2 s over 3 s: one full window at the start, a second one from 2 s; the run stops
  // before a third can open.
  const result = await runSharedLimit({ redisUrl: `redis://127.0.0.1:${redis.port}`, workers: 4, limit: 20, windowMs: 2000, durationMs: 3000, concurrency: 4 });
  console.log(
    `shared limit (short run): received ${result.received}, per worker ${result.sentByWorkers.join(', ')}, ` +
      `most in any 2 s: ${result.mostAdmittedInAnyWindow} admitted, ${result.mostArrivedInAnyWindow} arrived`,
  );
  expect(result.sentByWorkers).toHaveLength(4);
  expect(result.received).toBe(40);
  expect(result.sentByWorkers.reduce((a, b) => a + b, 0)).toBe(40);
  // Each admission was observed (the 'limiter' wait event). Spans of admission or arrival
  // times are not asserted on: a busy event loop notes them late by a varying few tens of ms.
  expect(result.admittedAt).toHaveLength(40);
  // Every process got a share: the limit is shared, not per process.
  expect(result.sentByWorkers.every((sent) => sent > 0)).toBe(true);
});
