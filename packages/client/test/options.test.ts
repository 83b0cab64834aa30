import { withRateLimit, RetryBudget, type RateLimitClientOptions } from '@sluice/client';

test.each<[string, unknown, string, string]>([
  ['unknown name', { maxRetry: 3 }, 'maxRetry', 'ERR_SLUICE_UNKNOWN_OPTION'],
  ['negative maxRetries', { maxRetries: -1 }, 'maxRetries', 'ERR_SLUICE_INVALID_OPTION'],
  ['fractional maxRetries', { maxRetries: 1.5 }, 'maxRetries', 'ERR_SLUICE_INVALID_OPTION'],
  ['zero maxDelayMs', { maxDelayMs: 0 }, 'maxDelayMs', 'ERR_SLUICE_INVALID_OPTION'],
  ['NaN timeBudgetMs', { timeBudgetMs: Number.NaN }, 'timeBudgetMs', 'ERR_SLUICE_INVALID_OPTION'],
  ['unknown jitter', { backoff: { jitter: 'equal' } }, 'backoff.jitter', 'ERR_SLUICE_INVALID_OPTION'],
  ['unknown backoff name', { backoff: { base: 10 } }, 'backoff.base', 'ERR_SLUICE_UNKNOWN_OPTION'],
  ['infinite baseMs', { backoff: { baseMs: Infinity } }, 'backoff.baseMs', 'ERR_SLUICE_INVALID_OPTION'],
  ['retry not methods', { retry: [1] }, 'retry', 'ERR_SLUICE_INVALID_OPTION'],
  ['pacing not boolean', { pacing: 'yes' }, 'pacing', 'ERR_SLUICE_INVALID_OPTION'],
  ['not a limiter', { limiter: { acquire() {} } }, 'limiter', 'ERR_SLUICE_INVALID_OPTION'],
  ['empty limiterKey', { limiterKey: '' }, 'limiterKey', 'ERR_SLUICE_INVALID_OPTION'],
  ['hook not a function', { onRetry: 'log' }, 'onRetry', 'ERR_SLUICE_INVALID_OPTION'],
  ['budget ratio above 1', { retryBudget: { ratio: 2 } }, 'retryBudget.ratio', 'ERR_SLUICE_INVALID_OPTION'],
  ['budget unknown name', { retryBudget: { percent: 0.1 } }, 'retryBudget.percent', 'ERR_SLUICE_UNKNOWN_OPTION'],
])('%s is refused with the option named', (_case, options, option, code) => {
  expect(() => withRateLimit(fetch, options as RateLimitClientOptions)).toThrow(expect.objectContaining({ code, option }));
});

test('fetch must be a function; options may be omitted; the result keeps fetch’s signature', () => {
  for (const fetchFn of [undefined, 'fetch', null, {}]) {
    expect(() => withRateLimit(fetchFn as unknown as typeof fetch)).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_INVALID_OPTION', option: 'fetch' }));
  }
  expect(() => withRateLimit(fetch, null as unknown as RateLimitClientOptions)).toThrow(expect.objectContaining({ code: 'ERR_SLUICE_INVALID_OPTION', option: 'options' }));
  const wrapped: typeof fetch = withRateLimit(fetch);
  expect(typeof wrapped).toBe('function');
  expect(withRateLimit(fetch, { retryBudget: new RetryBudget() })).toEqual(expect.any(Function));
});

test('an input that is not an absolute URL, or an init whose method or signal is wrong, rejects the call with the typed error, nothing sent', async () => {
  let sent = 0;
  const client = withRateLimit(async (_input: string | URL | Request, _init?: RequestInit) => (sent++, new Response('ok')));
  await expect(client('/relative')).rejects.toMatchObject({ code: 'ERR_SLUICE_INVALID_OPTION', option: 'input' });
  const url = 'http://127.0.0.1:9/';
  await expect(client(url, { method: 5 } as unknown as RequestInit)).rejects.toMatchObject({ code: 'ERR_SLUICE_INVALID_OPTION', option: 'init.method' });
  await expect(client(url, { signal: {} } as unknown as RequestInit)).rejects.toMatchObject({ code: 'ERR_SLUICE_INVALID_OPTION', option: 'init.signal' });
  await expect(client(url, 5 as unknown as RequestInit)).rejects.toMatchObject({ code: 'ERR_SLUICE_INVALID_OPTION', option: 'init' });
  expect(sent).toBe(0);
  expect((await client(url, { method: 'post', signal: new AbortController().signal })).status).toBe(200);
  expect(sent).toBe(1);
});
