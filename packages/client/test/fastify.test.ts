import Fastify, { type FastifyInstance } from 'fastify';
import { slidingWindow, tokenBucket } from '@sluice/core';
import { rateLimit } from '@sluice/fastify';
import { withRateLimit, type RetryEvent } from '@sluice/client';

let app: FastifyInstance;
let base: string;
let limited = 0;
beforeAll(async () => {
  app = Fastify();
  app.addHook('onResponse', async (_request, reply) => {
    if (reply.statusCode === 429) limited++;
  });
  await app.register(rateLimit, {
    policies: [tokenBucket({ name: 'burst', capacity: 5, refillPerSecond: 10 }), slidingWindow({ name: 'minute', limit: 1000, window: '1m' })],
  });
  app.get('/items', async () => ({ ok: true }));
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => app.close());

test('against @sluice/fastify (two policies): 30 parallel calls all succeed, paced by the draft-10 fields', async () => {
  const retries: RetryEvent[] = [];
  const client = withRateLimit(fetch, { onRetry: (event) => void retries.push(event) });
  const responses = await Promise.all(Array.from({ length: 30 }, () => client(`${base}/items`)));
  expect(responses.map((r) => r.status)).toEqual(Array(30).fill(200));
  console.log(`fastify: server sent ${limited} 429s, client retried ${retries.length}`);
  // Pacing keeps nearly every request from collecting a 429 (unpaced, 25 of the 30 would)...
  expect(limited).toBeLessThanOrEqual(2);
  // ...and any 429 the server did send was retried, never handed to the caller.
  expect(retries.length).toBe(limited);
});
