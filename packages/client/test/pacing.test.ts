import { fixedWindow } from '@sluice/core';
import { RetryWaitError, withRateLimit, type WaitEvent } from '@sluice/client';
import { startLimitedServer, startScriptedServer, type Script, type TestServer } from './harness/servers';

const servers: TestServer[] = [];
async function serve(start: () => Promise<TestServer>): Promise<TestServer> {
  const server = await start();
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** 200 with RateLimit `fields[i]` on the i-th request (the last one repeats). */
function reports(...fields: string[]): Script {
  return (index, _req, res) => void res.set('RateLimit', fields[Math.min(index, fields.length - 1)]!).send('ok');
}

test('a policy at r=0 holds the next request until its t has passed, instead of sending it for a 429', async () => {
  const arrivals: number[] = [];
  const server = await serve(() =>
    startScriptedServer((index, req, res) => {
      arrivals.push(Date.now());
      reports('"hourly";r=0;t=1', '"hourly";r=5;t=1')(index, req, res);
    }),
  );
  const waits: WaitEvent[] = [];
  const client = withRateLimit(fetch, { onWait: (event) => void waits.push(event) });
  expect((await client(`${server.url}/a`)).status).toBe(200);
  expect((await client(`${server.url}/b`)).status).toBe(200);
  expect(waits.map((w) => [w.reason, w.attempt, w.origin])).toEqual([['pacing', 0, server.url]]);
  expect(arrivals).toHaveLength(2);
  expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1000 - 5);
});

test("a 503's Retry-After holds every caller of the partition, not only the one retrying", async () => {
  const arrivals: number[] = [];
  const server = await serve(() =>
    startScriptedServer((index, _req, res) => {
      arrivals.push(Date.now());
      if (index === 0) res.status(503).set({ 'Retry-After': '1', RateLimit: '"m";r=5;t=1' }).send('busy');
      else res.set('RateLimit', '"m";r=5;t=1').send('ok');
    }),
  );
  const client = withRateLimit(fetch);
  const statuses = await Promise.all([client(`${server.url}/a`), client(`${server.url}/b`)].map(async (r) => (await r).status));
  expect(statuses).toEqual([200, 200]);
  expect(arrivals).toHaveLength(3);
  expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(1000 - 5);
});

test('a pacing hold longer than maxDelayMs fails fast, sending nothing', async () => {
  const server = await serve(() => startScriptedServer(reports('"daily";r=0;t=3600')));
  const client = withRateLimit(fetch, { maxDelayMs: 2000 });
  expect((await client(`${server.url}/a`)).status).toBe(200);
  const error = await client(`${server.url}/a`).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(RetryWaitError);
  expect((error as RetryWaitError).bound).toBe('maxDelayMs');
  expect((error as RetryWaitError).waitMs).toBeGreaterThan(3_500_000);
  expect(server.requests).toHaveLength(1);
});

test('partitions are paced apart: a held path does not hold another', async () => {
  const server = await serve(() => startScriptedServer((index, req, res) => reports(index === 0 ? '"p";r=0;t=3600' : '"p";r=9;t=1')(0, req, res)));
  const client = withRateLimit(fetch, { partition: (request) => request.url.pathname, maxDelayMs: 1000 });
  await client(`${server.url}/held`);
  expect((await client(`${server.url}/free`)).status).toBe(200);
  await expect(client(`${server.url}/held`)).rejects.toBeInstanceOf(RetryWaitError);
});

test('aborting while held by pacing rejects with the reason and sends nothing', async () => {
  const server = await serve(() => startScriptedServer(reports('"m";r=0;t=30')));
  const client = withRateLimit(fetch);
  await client(`${server.url}/a`);
  const controller = new AbortController();
  const pending = client(`${server.url}/a`, { signal: controller.signal });
  const reason = new Error('cancelled');
  setTimeout(() => controller.abort(reason), 20);
  await expect(pending).rejects.toBe(reason);
  expect(server.requests).toHaveLength(1);
});

test('little left and no rate known: the rest is spread over t rather than sent at once', async () => {
  const server = await serve(() => startScriptedServer(reports('"x";r=2;t=2', '"x";r=1;t=1', '"x";r=0;t=1')));
  const waits: WaitEvent[] = [];
  const client = withRateLimit(fetch, { onWait: (event) => void waits.push(event) });
  await client(`${server.url}/a`);
  await Promise.all([client(`${server.url}/a`), client(`${server.url}/a`)]);
  expect(waits.length).toBeGreaterThanOrEqual(1);
  expect(waits.every((w) => w.reason === 'pacing')).toBe(true);
});

test('a fixed window: callers get no 429 while the window refills', async () => {
  const server = await serve(() => startLimitedServer([fixedWindow({ name: 'window', limit: 5, window: '1s' })]));
  const client = withRateLimit(fetch);
  const responses = await Promise.all(Array.from({ length: 11 }, () => client(`${server.url}/w`)));
  expect(responses.map((r) => r.status)).toEqual(Array(11).fill(200));
  console.log(`fixed window: server sent ${server.statuses.get(429) ?? 0} 429s for 11 calls`);
});
