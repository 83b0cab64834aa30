import { isSluiceError } from '@sluice/core';
import { RetryWaitError, withRateLimit, type GiveUpEvent, type RetryEvent } from '@sluice/client';
import { startScriptedServer, type Script, type TestServer } from './harness/servers';

const servers: TestServer[] = [];
async function serve(script: Script): Promise<TestServer> {
  const server = await startScriptedServer(script);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** 429 with these headers for the first `times` requests, then 200. */
function limitedThenOk(times: number, headers: Record<string, string> | (() => Record<string, string>)): Script {
  return (index, _req, res) => {
    if (index < times) res.status(429).set(typeof headers === 'function' ? headers() : headers).send('slow down');
    else res.send('ok');
  };
}

function recordEvents() {
  const retries: RetryEvent[] = [];
  const giveUps: GiveUpEvent[] = [];
  return { retries, giveUps, hooks: { onRetry: (e: RetryEvent) => void retries.push(e), onGiveUp: (e: GiveUpEvent) => void giveUps.push(e) } };
}

test('Retry-After in delay-seconds: waits that long, then the retry succeeds', async () => {
  const arrivals: number[] = [];
  const server = await serve((index, req, res) => {
    arrivals.push(Date.now());
    limitedThenOk(1, { 'Retry-After': '1' })(index, req, res);
  });
  const { retries, hooks } = recordEvents();
  const response = await withRateLimit(fetch, hooks)(`${server.url}/a`);
  expect(response.status).toBe(200);
  expect(await response.text()).toBe('ok');
  expect(retries.map((e) => [e.reason, e.delayMs, e.status, e.attempt, e.origin])).toEqual([['retry-after', 1000, 429, 1, server.url]]);
  expect(arrivals).toHaveLength(2);
  expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1000 - 5);
});

test('Retry-After as an HTTP-date: waits until that date', async () => {
  const server = await serve(limitedThenOk(1, () => ({ 'Retry-After': new Date(Date.now() + 2000).toUTCString() })));
  const { retries, hooks } = recordEvents();
  const response = await withRateLimit(fetch, hooks)(`${server.url}/a`);
  expect(response.status).toBe(200);
  expect(retries).toHaveLength(1);
  expect(retries[0]!.reason).toBe('retry-after');
  // The date has whole-second precision: the wait is at most the 2 s asked for.
  expect(retries[0]!.delayMs).toBeGreaterThan(0);
  expect(retries[0]!.delayMs).toBeLessThanOrEqual(2000);
  expect(server.requests).toHaveLength(2);
});

test("no Retry-After: the exhausted policy's t from RateLimit", async () => {
  const server = await serve(limitedThenOk(1, { RateLimit: '"minute";r=0;t=1, "day";r=500;t=80000' }));
  const { retries, hooks } = recordEvents();
  expect((await withRateLimit(fetch, hooks)(`${server.url}/a`)).status).toBe(200);
  expect(retries.map((e) => [e.reason, e.delayMs])).toEqual([['ratelimit-reset', 1000]]);
});

test('nothing named: exponential backoff with full jitter, capped', async () => {
  const server = await serve(limitedThenOk(3, {}));
  const { retries, hooks } = recordEvents();
  const client = withRateLimit(fetch, { ...hooks, backoff: { baseMs: 10, capMs: 25 } });
  expect((await client(`${server.url}/a`)).status).toBe(200);
  expect(retries.map((e) => e.reason)).toEqual(['backoff', 'backoff', 'backoff']);
  // random(0, min(25, 10 * 2^attempt)) for attempts 0, 1, 2.
  expect(retries.map((e) => e.delayMs <= [10, 20, 25][e.attempt - 1]!)).toEqual([true, true, true]);
});

test('a Retry-After above maxDelayMs fails fast with a typed error carrying the wait and the response', async () => {
  const server = await serve(limitedThenOk(1, { 'Retry-After': '3600' }));
  const { giveUps, hooks } = recordEvents();
  const error = await withRateLimit(fetch, { ...hooks, maxDelayMs: 5000 })(`${server.url}/a`).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RetryWaitError);
  expect(isSluiceError(error, 'ERR_SLUICE_RETRY_WAIT_EXCEEDED')).toBe(true);
  const wait = error as RetryWaitError;
  expect([wait.waitMs, wait.bound, wait.limitMs, wait.response?.status]).toEqual([3_600_000, 'maxDelayMs', 5000, 429]);
  expect(await wait.response?.text()).toBe('slow down');
  expect(giveUps.map((e) => e.reason)).toEqual(['max-delay']);
  expect(server.requests).toHaveLength(1);
});

test('a wait past the time budget fails fast too', async () => {
  const server = await serve(limitedThenOk(1, { 'Retry-After': '30' }));
  const error = await withRateLimit(fetch, { timeBudgetMs: 10_000 })(`${server.url}/a`).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RetryWaitError);
  expect([(error as RetryWaitError).bound, (error as RetryWaitError).waitMs]).toEqual(['timeBudgetMs', 30_000]);
});

test('aborting during a retry wait rejects with the signal reason at once and sends nothing more', async () => {
  const server = await serve(limitedThenOk(1, { 'Retry-After': '30' }));
  const controller = new AbortController();
  const reason = new Error('caller gave up');
  const client = withRateLimit(fetch, { onRetry: () => void setTimeout(() => controller.abort(reason), 20) });
  await expect(client(`${server.url}/a`, { signal: controller.signal })).rejects.toBe(reason);
  expect(server.requests).toHaveLength(1);
});

test('POST is not retried by default; a predicate (Idempotency-Key) widens it, replaying the same body', async () => {
  const server = await serve(limitedThenOk(2, { 'Retry-After': '0' }));
  const { giveUps, hooks } = recordEvents();
  const plain = await withRateLimit(fetch, hooks)(`${server.url}/orders`, { method: 'POST', body: '{"n":1}' });
  expect(plain.status).toBe(429);
  expect(giveUps.map((e) => e.reason)).toEqual(['method']);
  expect(server.requests).toHaveLength(1);

  const keyed = withRateLimit(fetch, { retry: ({ init }) => new Headers(init?.headers).has('idempotency-key') });
  const response = await keyed(`${server.url}/orders`, { method: 'POST', body: '{"n":2}', headers: { 'Idempotency-Key': 'k1' } });
  expect(response.status).toBe(200);
  expect(server.requests.slice(1)).toEqual([
    { method: 'POST', body: '{"n":2}' },
    { method: 'POST', body: '{"n":2}' },
  ]);
});

test('a stream body is never retried, even for PUT', async () => {
  const server = await serve(limitedThenOk(1, { 'Retry-After': '0' }));
  const { giveUps, hooks } = recordEvents();
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('streamed'));
      controller.close();
    },
  });
  const response = await withRateLimit(fetch, hooks)(`${server.url}/file`, { method: 'PUT', body, duplex: 'half' } as RequestInit);
  expect(response.status).toBe(429);
  expect(giveUps.map((e) => e.reason)).toEqual(['body']);
  expect(server.requests).toEqual([{ method: 'PUT', body: 'streamed' }]);
});

test('a Request object with a body (as ky sends) is cloned for each try', async () => {
  const server = await serve(limitedThenOk(1, { 'Retry-After': '0' }));
  const request = new Request(`${server.url}/doc`, { method: 'PUT', body: 'v2' });
  expect((await withRateLimit(fetch)(request)).status).toBe(200);
  expect(server.requests).toEqual([
    { method: 'PUT', body: 'v2' },
    { method: 'PUT', body: 'v2' },
  ]);
});

test('after maxRetries the last 429 is handed back', async () => {
  const server = await serve(limitedThenOk(99, { 'Retry-After': '0' }));
  const { giveUps, hooks } = recordEvents();
  const response = await withRateLimit(fetch, { ...hooks, maxRetries: 2 })(`${server.url}/a`);
  expect(response.status).toBe(429);
  expect(server.requests).toHaveLength(3);
  expect(giveUps.map((e) => [e.reason, e.attempt])).toEqual([['max-retries', 2]]);
});

test('503 is retried only with Retry-After; other statuses are returned as they are', async () => {
  const server = await serve((index, _req, res) => {
    if (index === 0) res.status(503).set('Retry-After', '0').send('maintenance');
    else if (index === 1) res.status(503).send('down');
    else res.status(500).send('bug');
  });
  const client = withRateLimit(fetch);
  expect((await client(`${server.url}/a`)).status).toBe(503);
  expect(server.requests).toHaveLength(2);
  expect((await client(`${server.url}/a`)).status).toBe(500);
  expect(server.requests).toHaveLength(3);
});

test('the retry budget caps retries under a server answering only 503', async () => {
  const server = await serve((_index, _req, res) => void res.status(503).set('Retry-After', '0').send('down'));
  const { giveUps, hooks } = recordEvents();
  const client = withRateLimit(fetch, { ...hooks, maxRetries: 3, retryBudget: { ratio: 0.1, minRetriesPerSecond: 0 } });
  for (let i = 0; i < 40; i++) expect((await client(`${server.url}/a`)).status).toBe(503);
  const retries = server.requests.length - 40;
  // Without the budget: 40 * 3 = 120 retries. With it: at most 10% of the 40 requests.
  expect(retries).toBeGreaterThan(0);
  expect(retries).toBeLessThanOrEqual(4);
  expect(giveUps.filter((e) => e.reason === 'retry-budget').length).toBeGreaterThanOrEqual(36);
});

test('a hook that throws or rejects never reaches the caller; it becomes a warning', async () => {
  const server = await serve(limitedThenOk(2, { 'Retry-After': '0' }));
  const warnings: Error[] = [];
  {
    let calls = 0;
    const client = withRateLimit(fetch, {
      onWarning: (warning) => void warnings.push(warning),
      onRetry: () => {
        calls++;
        if (calls === 1) throw new Error('hook bug');
        return Promise.reject(new Error('async hook bug')) as unknown as undefined;
      },
    });
    expect((await client(`${server.url}/a`)).status).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('hook bug'),
      expect.stringContaining('async hook bug'),
    ]);
    expect(warnings.map((w) => (w as Error & { code?: string }).code)).toEqual(['SLUICE_CLIENT_HOOK_FAILED', 'SLUICE_CLIENT_HOOK_FAILED']);
  }
});
