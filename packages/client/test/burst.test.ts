import { tokenBucket } from '@sluice/core';
import { withRateLimit } from '@sluice/client';
import { startLimitedServer, type TestServer } from './harness/servers';

let server: TestServer;
beforeAll(async () => {
  server = await startLimitedServer([tokenBucket({ name: 'burst', capacity: 10, refillPerSecond: 20 })]);
});
afterAll(() => server.close());

test('100 parallel calls against a bucket of 10 refilling 20/s: paced, no 429 reaches the caller', async () => {
  const retries: number[] = [];
  const paced = withRateLimit(fetch, { onRetry: (event) => retries.push(event.delayMs) });
  const started = performance.now();
  const responses = await Promise.all(Array.from({ length: 100 }, () => paced(`${server.url}/work`)));
  const wallMs = performance.now() - started;
  const statuses = responses.map((response) => response.status);
  await Promise.all(responses.map((response) => response.text()));
  const sent429 = server.statuses.get(429) ?? 0;
  // Numbers for the report (the assertions below are counts, not timings).
  console.log(`burst: wall ${Math.round(wallMs)} ms (ideal 4500), server sent ${sent429} 429s, retries ${retries.length}`);
  expect(statuses).toHaveLength(100);
  expect(statuses.filter((status) => status !== 200)).toEqual([]);
  expect(server.statuses.get(200)).toBe(100);
  // Almost no request is sent only to collect a 429 (unpaced, about 90 would be).
  expect(sent429).toBeLessThanOrEqual(5);
  // The pacing happened: 90 requests beyond the burst cannot pass faster than 20/s.
  expect(wallMs).toBeGreaterThan(4000);
});
