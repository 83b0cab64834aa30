// A user function that throws, or returns a promise that rejects, never fails the caller's fetch
// and never reaches the event loop: the failure goes to onWarning (and, if onWarning fails too,
// to process.emitWarning). Value callbacks fall back to their default for that request.
import { createLimiter, fixedWindow } from '@sluice/core';
import { CLIENT_HOOK_FAILED, withRateLimit, type RateLimitClientOptions } from '@sluice/client';
import { startScriptedServer, type TestServer } from './harness/servers';

let server: TestServer;
beforeEach(async () => {
  // Two 429s, then 200: with maxRetries 1 one call waits, retries once and gives up, so every hook runs.
  server = await startScriptedServer((index, _req, res) => {
    if (index < 2) res.status(429).set('Retry-After', '0').send('slow down');
    else res.send('ok');
  });
});
afterEach(async () => {
  jest.restoreAllMocks();
  await server.close();
});

const HOOKS = ['onWait', 'onRetry', 'onGiveUp', 'partition', 'limiterKey', 'cost', 'retry'] as const;
const MODES = ['throws', 'rejects'] as const;

function failing(mode: (typeof MODES)[number], error: Error): () => never {
  return mode === 'throws'
    ? () => {
        throw error;
      }
    : ((() => Promise.reject(error)) as unknown as () => never);
}

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe.each(HOOKS)('%s', (hook) => {
  test.each(MODES)('that %s: the call completes with the defaults and the failure goes to onWarning', async (mode) => {
    const error = new Error(`${hook} ${mode}`);
    const warnings: Error[] = [];
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 100, window: '1h' })] });
    const options = { limiter, maxRetries: 1, onWarning: (w: Error) => void warnings.push(w), [hook]: failing(mode, error) } as RateLimitClientOptions;
    const response = await withRateLimit(fetch, options)(`${server.url}/a`);
    await settle();
    // Retried once (the default `retry` for GET), then the last 429 handed back.
    expect(response.status).toBe(429);
    expect(server.requests).toHaveLength(2);
    // The defaults stood in: key = partition = origin, cost 1 per try.
    expect((await limiter.peek(server.url)).remaining).toBe(98);
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    for (const warning of warnings) {
      expect(warning).toMatchObject({ code: CLIENT_HOOK_FAILED, cause: error });
      expect(warning.message).toContain(`${hook} failed`);
    }
  });
});

test.each(MODES)('onWarning that %s: the failure goes to process.emitWarning, never to the caller', async (mode) => {
  const emitted: unknown[][] = [];
  jest.spyOn(process, 'emitWarning').mockImplementation((...args: unknown[]) => void emitted.push(args));
  const client = withRateLimit(fetch, {
    maxRetries: 1,
    onRetry: failing('throws', new Error('hook bug')),
    onWarning: failing(mode, new Error(`onWarning ${mode}`)),
  });
  expect((await client(`${server.url}/a`)).status).toBe(429);
  await settle();
  expect(emitted).toHaveLength(1);
  expect(String(emitted[0]![0])).toContain(`onWarning failed: onWarning ${mode}`);
  expect(emitted[0]![1]).toMatchObject({ code: CLIENT_HOOK_FAILED });
});

test('the default onWarning is process.emitWarning, with the code', async () => {
  const emitted: unknown[][] = [];
  jest.spyOn(process, 'emitWarning').mockImplementation((...args: unknown[]) => void emitted.push(args));
  await withRateLimit(fetch, { maxRetries: 1, onGiveUp: failing('rejects', new Error('logger down')) })(`${server.url}/a`);
  await settle();
  expect(emitted).toHaveLength(1);
  expect(String(emitted[0]![0])).toContain('onGiveUp failed: logger down');
  expect(emitted[0]![1]).toMatchObject({ type: 'SluiceClientWarning', code: CLIENT_HOOK_FAILED });
});

test('value callbacks may answer with a promise; an invalid answer falls back with a warning', async () => {
  const warnings: Error[] = [];
  const limiter = createLimiter({ policies: [fixedWindow({ limit: 100, window: '1h' })] });
  const asyncCost = withRateLimit(fetch, { limiter, limiterKey: async () => 'tenant', cost: async () => 5, maxRetries: 0 });
  await asyncCost(`${server.url}/a`);
  expect((await limiter.peek('tenant')).remaining).toBe(95);
  const badCost = withRateLimit(fetch, { limiter, limiterKey: 'bad', cost: () => 0.5, maxRetries: 0, onWarning: (w) => void warnings.push(w) });
  await badCost(`${server.url}/a`);
  expect((await limiter.peek('bad')).remaining).toBe(99);
  expect(warnings.map((w) => w.message)).toEqual([expect.stringContaining('cost failed: returned 0.5')]);
});
