import { createLimiter, fixedWindow, isSluiceError, MemoryStore } from '@sluice/core';
import { RetryWaitError, withRateLimit, type WaitEvent } from '@sluice/client';
import { startScriptedServer, type TestServer } from './harness/servers';

let server: TestServer;
beforeAll(async () => {
  server = await startScriptedServer((_index, _req, res) => void res.send('ok'));
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
});

test('each request waits for a slot of the shared limiter; cost is a function of the request', async () => {
  const limiter = createLimiter({ store: new MemoryStore(), policies: [fixedWindow({ limit: 10, window: '1s' })] });
  const waits: WaitEvent[] = [];
  const client = withRateLimit(fetch, {
    limiter,
    pacing: false,
    cost: ({ init }) => Number(new Headers(init?.headers).get('x-tokens') ?? 1),
    onWait: (event) => void waits.push(event),
  });
  const call = (tokens: number) => client(`${server.url}/llm`, { headers: { 'x-tokens': String(tokens) } });
  expect((await call(6)).status).toBe(200);
  // 6 + 6 > 10: the second call waits for the next window instead of being sent.
  expect((await call(6)).status).toBe(200);
  expect(server.requests).toHaveLength(2);
  expect(waits.map((w) => w.reason)).toEqual(['limiter', 'limiter']);
  expect(waits[1]!.delayMs).toBeGreaterThan(0);
  // The limiter key defaults to the partition (the origin).
  expect((await limiter.peek(server.url)).remaining).toBe(4);
});

test('a limiter wait beyond maxDelayMs fails fast with RetryWaitError, caused by the limiter', async () => {
  const limiter = createLimiter({ policies: [fixedWindow({ limit: 1, window: '1h' })] });
  const client = withRateLimit(fetch, { limiter, limiterKey: 'vendor-api', maxDelayMs: 1000 });
  expect((await client(`${server.url}/a`)).status).toBe(200);
  const error = await client(`${server.url}/a`).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RetryWaitError);
  expect((error as RetryWaitError).waitMs).toBeGreaterThan(3_000_000);
  expect(isSluiceError((error as Error).cause, 'ERR_SLUICE_WAIT_EXCEEDED')).toBe(true);
  expect(server.requests).toHaveLength(1);
});

test('aborting while waiting for the limiter rejects with the reason', async () => {
  const limiter = createLimiter({ policies: [fixedWindow({ limit: 1, window: '10s' })] });
  const client = withRateLimit(fetch, { limiter });
  await client(`${server.url}/a`);
  const controller = new AbortController();
  const reason = new Error('shutdown');
  setTimeout(() => controller.abort(reason), 20);
  await expect(client(`${server.url}/a`, { signal: controller.signal })).rejects.toBe(reason);
  expect(server.requests).toHaveLength(1);
});
