// The pacing queue's bound is decided when a request is queued, and its error says what was
// measured: the whole wait its place in the queue needs, against maxDelayMs.
import { fixedWindow } from '@sluice/core';
import { RetryWaitError, withRateLimit } from '@sluice/client';
import { startLimitedServer, type TestServer } from './harness/servers';

let server: TestServer;
afterEach(async () => {
  await server.close();
});

test('60 parallel calls, fixedWindow(10/1s), maxDelayMs 3000: those whose turn is past 3 s fail at once, saying so', async () => {
  server = await startLimitedServer([fixedWindow({ name: 'fw', limit: 10, window: '1s' })]);
  const client = withRateLimit(fetch, { maxDelayMs: 3000 });
  const outcomes: ('ok' | '429' | RetryWaitError)[] = [];
  const startMs = Date.now();
  await Promise.all(
    Array.from({ length: 60 }, () =>
      client(`${server.url}/work`).then(
        async (response) => {
          await response.text();
          outcomes.push(response.status === 200 ? 'ok' : '429');
        },
        (error: unknown) => void outcomes.push(error as RetryWaitError),
      ),
    ),
  );
  const errors = outcomes.filter((o): o is RetryWaitError => o instanceof RetryWaitError);
  const ok = outcomes.filter((o) => o === 'ok').length;
  console.log(`pacing bound: ${ok} ok, ${errors.length} refused, ${outcomes.filter((o) => o === '429').length} 429s to the caller, server 429s ${server.statuses.get(429) ?? 0}, wall ${Date.now() - startMs} ms`);
  expect(errors.length).toBeGreaterThan(0);
  expect(ok + errors.length).toBe(60);
  for (const error of errors) {
    expect(error).toMatchObject({ code: 'ERR_SLUICE_RETRY_WAIT_EXCEEDED', source: 'pacing', bound: 'maxDelayMs', limitMs: 3000 });
    // What was measured: the whole wait, above the bound; the part already spent is below it.
    expect(error.waitMs).toBeGreaterThan(3000);
    expect(error.waitedMs).toBeLessThan(error.waitMs);
    expect(error.ahead).toBeGreaterThanOrEqual(0);
    expect(error.message).toMatch(/pacing would hold this request \d+ ms in all \(\d+ queued ahead of it\), beyond maxDelayMs \(3000 ms\)/);
  }
  // Failing fast: refusals decided when the first answer tells the pace come before any other
  // call completes, not after the caller has queued for most of maxDelayMs. (A 429 can still
  // slow the pace later; a caller refused then is told the whole wait and what it had waited.)
  const firstOk = outcomes.indexOf('ok');
  expect(firstOk).toBeGreaterThanOrEqual(errors.length / 2);
  expect(outcomes.slice(0, firstOk).every((o) => o instanceof RetryWaitError)).toBe(true);
});
