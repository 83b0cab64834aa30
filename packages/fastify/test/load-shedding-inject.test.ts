import { createAdaptiveLimiter } from '@sluice/core';
import Fastify from 'fastify';
import { loadShedding } from '../src/index.js';

// Fastify's inject() answers through light-my-request's stand-in response, not a socket: the
// slot must come back there too, or every injected test would leak one.
test('requests made with inject() release their slot', async () => {
  const limiter = createAdaptiveLimiter({ minLimit: 2, initialLimit: 2, maxLimit: 2, criticalReserve: 0, sheddableReserve: 0 });
  const app = Fastify();
  await app.register(loadShedding, { limiter });
  app.get('/', async () => 'ok');
  app.get('/fail', async () => {
    throw new Error('handler failed');
  });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await app.inject({ url: i % 2 === 0 ? '/' : '/fail' })).statusCode);
    expect(statuses).toEqual([200, 500, 200, 500, 200]);
    expect(limiter.inFlight).toBe(0);
    expect(limiter.stats().admitted.normal).toBe(5);
  } finally {
    await app.close();
  }
});
