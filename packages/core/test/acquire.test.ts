import {
  createLimiter,
  ErrorCodes,
  fixedWindow,
  leakyBucket,
  MAX_TIMER_MS,
  MemoryStore,
  RateLimitWaitError,
  tokenBucket,
  type Decision,
  type Policy,
  type PolicyResult,
  type StoreRequest,
} from '@sluice/core';

// limiter.acquire(): waits for admission on timers (never a busy poll), within maxWaitMs.
// Real clock on short windows; assertions are about order and outcomes, never elapsed time.

/** A memory store that logs every decision it makes, in order. */
class LoggingStore extends MemoryStore {
  readonly log: { mode: string; allowed: boolean; retryAfterMs: number; delayMs: number }[] = [];
  override consume(request: StoreRequest): PolicyResult[] {
    const results = super.consume(request);
    const r = results[0]!;
    this.log.push({ mode: request.mode, allowed: r.allowed, retryAfterMs: r.retryAfterMs, delayMs: r.delayMs });
    return results;
  }
}

function setup(policies: Policy[]) {
  const store = new LoggingStore();
  return { store, limiter: createLimiter({ store, policies }) };
}

/** Delays of the timers set while `run` was pending. */
async function timersDuring<T>(run: () => Promise<T>): Promise<{ result: PromiseSettledResult<T>; delays: number[] }> {
  const spy = jest.spyOn(global, 'setTimeout');
  try {
    const [result] = await Promise.allSettled([run()]);
    return { result: result!, delays: spy.mock.calls.map((call) => Number(call[1])) };
  } finally {
    spy.mockRestore();
  }
}

describe('limiter.acquire', () => {
  test('admitted at once: resolves with the admitting decision, no timer', async () => {
    const { store, limiter } = setup([fixedWindow({ limit: 2, window: '1m' })]);
    const { result, delays } = await timersDuring(() => limiter.acquire('k'));
    expect(result).toMatchObject({ status: 'fulfilled', value: { allowed: true, remaining: 1, decidedBy: 'store' } });
    expect(delays).toEqual([]);
    expect(store.log).toEqual([{ mode: 'consume', allowed: true, retryAfterMs: 0, delayMs: 0 }]);
  });

  test('denied: waits the retryAfterMs the denial named, then resolves only with an admitting decision', async () => {
    const { store, limiter } = setup([fixedWindow({ limit: 1, window: 30 })]);
    await limiter.consume('k');
    const { result, delays } = await timersDuring(() => limiter.acquire('k'));
    expect(result.status).toBe('fulfilled');
    const decision = (result as PromiseFulfilledResult<Decision>).value;
    expect(decision.allowed).toBe(true);
    const log = store.log;
    expect(log.length).toBeGreaterThanOrEqual(3);
    expect(log[1]!.allowed).toBe(false);
    expect(log[log.length - 1]!.allowed).toBe(true);
    // Each wait is one timer of the denial's own retryAfterMs: a few calls, not a poll.
    const denials = log.filter((entry) => !entry.allowed);
    expect(denials.length).toBeGreaterThan(0);
    expect(delays).toEqual(denials.map((d) => Math.max(1, d.retryAfterMs)));
    expect(log.length).toBeLessThanOrEqual(4);
  });

  test('a wait that can never pass (cost above capacity) rejects at once with ERR_SLUICE_WAIT_EXCEEDED', async () => {
    const { store, limiter } = setup([tokenBucket({ capacity: 5, refillPerSecond: 1 })]);
    const { result, delays } = await timersDuring(() => limiter.acquire('k', { cost: 6, maxWaitMs: Infinity }));
    expect(result.status).toBe('rejected');
    const error = (result as PromiseRejectedResult).reason;
    expect(error).toBeInstanceOf(RateLimitWaitError);
    expect(error).toMatchObject({ code: ErrorCodes.WAIT_EXCEEDED, retryAfterMs: Infinity, decision: { allowed: false } });
    expect(delays).toEqual([]);
    expect(store.log).toHaveLength(1);
  });

  test('a wait longer than maxWaitMs rejects at once, carrying the decision and the wait', async () => {
    const { store, limiter } = setup([fixedWindow({ name: 'hourly', limit: 1, window: '1h' })]);
    await limiter.consume('k');
    const { result, delays } = await timersDuring(() => limiter.acquire('k', { maxWaitMs: 1_000 }));
    const error = (result as PromiseRejectedResult).reason as RateLimitWaitError;
    expect(error.code).toBe(ErrorCodes.WAIT_EXCEEDED);
    expect(error.maxWaitMs).toBe(1_000);
    expect(error.retryAfterMs).toBeGreaterThan(1_000);
    expect(error.decision).toMatchObject({ allowed: false, policy: 'hourly' });
    expect(error.message).toContain('hourly');
    expect(delays).toEqual([]);
    expect(store.log).toHaveLength(2);
  });

  test('the default maxWaitMs is 60 s: a one-hour wait is refused without waiting', async () => {
    const { limiter } = setup([fixedWindow({ limit: 1, window: '1h' })]);
    await limiter.consume('k');
    await expect(limiter.acquire('k')).rejects.toMatchObject({ code: ErrorCodes.WAIT_EXCEEDED, maxWaitMs: 60_000 });
  });

  test('an aborted signal rejects with its reason before any store call', async () => {
    const { store, limiter } = setup([fixedWindow({ limit: 1, window: '1m' })]);
    const reason = new Error('shutting down');
    await expect(limiter.acquire('k', { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(store.log).toHaveLength(0);
  });

  test('aborting while waiting rejects with the reason; a long wait is split into timers of at most 2^31-1 ms', async () => {
    const { store, limiter } = setup([fixedWindow({ limit: 1, window: '30d' })]);
    await limiter.consume('k');
    const controller = new AbortController();
    const reason = new Error('user cancelled');
    const { result, delays } = await timersDuring(() => {
      const pending = limiter.acquire('k', { maxWaitMs: Infinity, signal: controller.signal });
      setImmediate(() => controller.abort(reason));
      return pending;
    });
    expect(result).toEqual({ status: 'rejected', reason });
    expect(store.log.map((e) => e.allowed)).toEqual([true, false]);
    const waits = delays.filter((d) => d > 0);
    expect(waits.length).toBeGreaterThan(0);
    expect(Math.max(...waits)).toBeLessThanOrEqual(MAX_TIMER_MS);
  });

  test('leaky bucket: an admission with delayMs resolves after a timer of that delay', async () => {
    const { store, limiter } = setup([leakyBucket({ capacity: 5, leakPerSecond: 50 })]);
    await limiter.consume('k');
    const { result, delays } = await timersDuring(() => limiter.acquire('k'));
    const decision = (result as PromiseFulfilledResult<Decision>).value;
    expect(decision).toMatchObject({ allowed: true });
    expect(decision.delayMs).toBeGreaterThan(0);
    expect(delays).toEqual([decision.delayMs]);
    expect(store.log.map((e) => e.mode)).toEqual(['consume', 'consume']);
  });

  test('leaky bucket: a hold beyond maxWaitMs rejects and gives the queue slot back', async () => {
    const { store, limiter } = setup([leakyBucket({ capacity: 5, leakPerSecond: 1 })]);
    await limiter.consume('k');
    await expect(limiter.acquire('k', { maxWaitMs: 10 })).rejects.toMatchObject({ code: ErrorCodes.WAIT_EXCEEDED });
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.log.map((e) => e.mode)).toEqual(['consume', 'consume', 'refund']);
  });

  test('leaky bucket: aborting during the hold rejects with the reason and gives the slot back', async () => {
    const { store, limiter } = setup([leakyBucket({ capacity: 5, leakPerSecond: 1 })]);
    await limiter.consume('k');
    const controller = new AbortController();
    const pending = limiter.acquire('k', { signal: controller.signal });
    setImmediate(() => controller.abort('gone'));
    await expect(pending).rejects.toBe('gone');
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.log.map((e) => e.mode)).toEqual(['consume', 'consume', 'refund']);
  });

  test("a failure-policy denial is waited on like any other (here: too long for maxWaitMs 0)", async () => {
    const store = new MemoryStore();
    store.close();
    const limiter = createLimiter({ store, policies: [fixedWindow({ limit: 1, window: '1m' })], onStoreError: 'deny', onWarning: () => undefined });
    await expect(limiter.acquire('k', { maxWaitMs: 0 })).rejects.toMatchObject({
      code: ErrorCodes.WAIT_EXCEEDED,
      decision: { decidedBy: 'failure-policy', degraded: 'store-error' },
    });
  });
});
