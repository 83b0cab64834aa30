import {
  CALLBACK_THREW,
  createLimiter,
  ErrorCodes,
  fixedWindow,
  InvalidOptionError,
  isLimiter,
  leakyBucket,
  LIMITER_OPTION_KEYS,
  MemoryStore,
  slidingLog,
  StoreError,
  StoreTimeoutError,
  tokenBucket,
  UnsupportedAlgorithmError,
  type PolicyResult,
  type Store,
  type StoreRequest,
} from '@sluice/core';

const T = 1_700_006_400_000;

/** A store that always fails, synchronously or asynchronously. */
class FailingStore implements Store {
  readonly algorithms = ['fixed-window', 'token-bucket'] as const;
  calls = 0;
  constructor(private readonly how: 'throw' | 'reject' | 'hang') {}
  consume(_request: StoreRequest): Promise<PolicyResult[]> {
    this.calls++;
    if (this.how === 'throw') throw new Error('connection refused');
    if (this.how === 'reject') return Promise.reject(new Error('READONLY You can\'t write against a read only replica'));
    return new Promise(() => {});
  }
  reset(): void {}
}

describe('createLimiter', () => {
  test('consume charges, denies at the limit, and reports the binding policy', async () => {
    const limiter = createLimiter({
      policies: [tokenBucket({ name: 'burst', capacity: 2, refillPerSecond: 1 }), fixedWindow({ name: 'hourly', limit: 10, window: '1h' })],
    });
    const first = await limiter.consume('user:1', { nowMs: T });
    expect(first).toMatchObject({ allowed: true, policy: 'burst', limit: 2, remaining: 1, retryAfterMs: 0 });
    expect(first.results.map((r) => r.policy)).toEqual(['burst', 'hourly']);
    await limiter.consume('user:1', { nowMs: T });
    const denied = await limiter.consume('user:1', { nowMs: T });
    expect(denied).toMatchObject({ allowed: false, policy: 'burst', remaining: 0, retryAfterMs: 1000 });
    // All or nothing: the hourly window was charged twice, not three times.
    expect(denied.results[1]).toMatchObject({ allowed: true, remaining: 8 });
  });

  test('the binding policy of an allowed request is the one with the fewest units left', async () => {
    const limiter = createLimiter({
      policies: [fixedWindow({ name: 'minute', limit: 100, window: '1m' }), fixedWindow({ name: 'second', limit: 3, window: '1s' })],
    });
    expect(await limiter.consume('k', { nowMs: T })).toMatchObject({ policy: 'second', remaining: 2, limit: 3 });
  });

  test('a denial by several policies reports the latest retry', async () => {
    const limiter = createLimiter({
      policies: [fixedWindow({ name: 'short', limit: 1, window: '1s' }), fixedWindow({ name: 'long', limit: 1, window: '1m' })],
    });
    await limiter.consume('k', { nowMs: T });
    expect(await limiter.consume('k', { nowMs: T })).toMatchObject({ allowed: false, policy: 'long', retryAfterMs: 60_000 });
  });

  test('peek, refund and reset', async () => {
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 3, window: '1m' })] });
    await limiter.consume('k', { nowMs: T, cost: 2 });
    expect((await limiter.peek('k', { nowMs: T })).remaining).toBe(1);
    expect((await limiter.refund('k', { nowMs: T })).remaining).toBe(2);
    await limiter.reset('k');
    expect((await limiter.peek('k', { nowMs: T })).remaining).toBe(3);
  });

  test('a cost above every capacity is denied with an infinite retry, not a loop', async () => {
    const limiter = createLimiter({ policies: [tokenBucket({ capacity: 5, refillPerSecond: 1 })] });
    expect(await limiter.consume('k', { cost: 6 })).toMatchObject({ allowed: false, retryAfterMs: Infinity });
  });

  test('leaky bucket decisions carry the shaping delay', async () => {
    const limiter = createLimiter({ policies: [leakyBucket({ capacity: 5, leakPerSecond: 10 })] });
    expect((await limiter.consume('k', { nowMs: T })).delayMs).toBe(0);
    expect((await limiter.consume('k', { nowMs: T })).delayMs).toBe(100);
  });

  test('windows longer than 24.8 days work', async () => {
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 1, window: '30d' })] });
    await limiter.consume('k', { nowMs: T });
    const denied = await limiter.consume('k', { nowMs: T + 29 * 86_400_000 });
    expect(denied).toMatchObject({ allowed: false, retryAfterMs: 86_400_000 });
    expect((await limiter.consume('k', { nowMs: T + 30 * 86_400_000 })).allowed).toBe(true);
  });

  test('decide is synchronous on the memory store (no promise on the hot path)', () => {
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 3, window: '1m' })] });
    const decision = limiter.decide('k', 1, 'consume');
    expect(decision).not.toBeInstanceOf(Promise);
    expect((decision as { allowed: boolean }).allowed).toBe(true);
  });

  test('client keys with braces cannot collide with others', async () => {
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 1, window: '1m' })] });
    expect((await limiter.consume('{a}')).allowed).toBe(true);
    expect((await limiter.consume('%7Ba%7D')).allowed).toBe(true);
    expect((await limiter.consume('a')).allowed).toBe(true);
  });

  test('bad per-call input is a typed error', async () => {
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 3, window: '1m' })] });
    await expect(limiter.consume('k', { cost: 0 })).rejects.toMatchObject({ code: ErrorCodes.INVALID_OPTION, option: 'cost' });
    await expect(limiter.consume('k', { cost: 1.5 })).rejects.toMatchObject({ option: 'cost' });
    await expect(limiter.consume('k', { cost: 1e20 })).rejects.toMatchObject({ option: 'cost' });
    await expect(limiter.consume('')).rejects.toMatchObject({ option: 'key' });
  });
});

describe('createLimiter validates its options once, with typed errors', () => {
  const policies = [fixedWindow({ limit: 5, window: '1s' })];
  test.each([
    ['no policies', { policies: [] }, ErrorCodes.INVALID_OPTION, 'policies'],
    ['a plain object policy', { policies: [{ limit: 5 }] }, ErrorCodes.INVALID_OPTION, 'policies[0]'],
    ['an unknown algorithm', { policies: [{ algorithm: 'gcra-deluxe', limit: 5 }] }, ErrorCodes.UNKNOWN_ALGORITHM, 'policies[0].algorithm'],
    ['an unknown option', { policies, timeout: 100 }, ErrorCodes.UNKNOWN_OPTION, 'timeout'],
    ['a prefix with braces', { policies, prefix: 'a{b}' }, ErrorCodes.INVALID_OPTION, 'prefix'],
    ['a zero timeout', { policies, timeoutMs: 0 }, ErrorCodes.INVALID_OPTION, 'timeoutMs'],
    ['a bad failure policy', { policies, onStoreError: 'ignore' }, ErrorCodes.INVALID_OPTION, 'onStoreError'],
    ['a non-store', { policies, store: {} }, ErrorCodes.INVALID_OPTION, 'store'],
    [
      'two policies with one name',
      { policies: [fixedWindow({ limit: 5, window: '1s', name: 'x' }), fixedWindow({ limit: 9, window: '1s', name: 'x' })] },
      ErrorCodes.INVALID_OPTION,
      'policies[1].name',
    ],
  ])('%s', (_title, options, code, option) => {
    let caught: unknown;
    try {
      createLimiter(options as never);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidOptionError);
    expect(caught).toMatchObject({ code, option });
  });

  test('a store that lacks an algorithm is refused, naming the policy and the algorithm', () => {
    const store = new FailingStore('throw');
    let caught: unknown;
    try {
      createLimiter({ store, policies: [fixedWindow({ limit: 1, window: '1s' }), slidingLog({ limit: 1, window: '1s' })] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnsupportedAlgorithmError);
    expect(caught).toMatchObject({ code: ErrorCodes.UNSUPPORTED_ALGORITHM, option: 'policies[1]', algorithm: 'sliding-log' });
  });
});

describe('failure policy', () => {
  const policies = [fixedWindow({ name: 'api', limit: 5, window: '1s' })];

  test.each(['throw', 'reject'] as const)("a store that fails (%s) gives a degraded allow by default, and onError sees a StoreError with the cause", async (how) => {
    const errors: StoreError[] = [];
    const limiter = createLimiter({ store: new FailingStore(how), policies, onError: (e) => errors.push(e) });
    const decision = await limiter.consume('k');
    expect(decision).toMatchObject({ allowed: true, degraded: 'store-error', policy: 'api' });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(StoreError);
    expect(errors[0]!.code).toBe(ErrorCodes.STORE);
    expect((errors[0]!.cause as Error).message).toMatch(/refused|READONLY/);
  });

  test("'deny' fails closed with a retry hint", async () => {
    const limiter = createLimiter({ store: new FailingStore('reject'), policies, onStoreError: 'deny' });
    expect(await limiter.consume('k')).toMatchObject({ allowed: false, degraded: 'store-error', retryAfterMs: 1000 });
  });

  test('a store that never answers is cut off at timeoutMs', async () => {
    const errors: StoreError[] = [];
    const limiter = createLimiter({ store: new FailingStore('hang'), policies, timeoutMs: 20, onError: (e) => errors.push(e) });
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, degraded: 'timeout' });
    expect(errors[0]).toMatchObject({ code: ErrorCodes.STORE_TIMEOUT });
  });

  test('one timeoutMs covers the whole decision: a fallback asked after a slow failure gets only what is left', async () => {
    const errors: StoreError[] = [];
    const slowFailure: Store = {
      algorithms: ['fixed-window'],
      consume: () => new Promise((_, reject) => setTimeout(() => reject(new Error('ECONNRESET')), 10)),
      reset: () => undefined,
    };
    const limiter = createLimiter({ store: slowFailure, policies, onStoreError: new FailingStore('hang'), timeoutMs: 60, onError: (e) => errors.push(e) });
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, decidedBy: 'failure-policy', degraded: 'store-error' });
    expect(errors.map((e) => e.code)).toEqual([ErrorCodes.STORE, ErrorCodes.STORE_TIMEOUT]);
    expect((errors[1] as StoreTimeoutError).timeoutMs).toBeGreaterThan(0);
    expect((errors[1] as StoreTimeoutError).timeoutMs).toBeLessThan(60);
  });

  test('a primary that used the whole budget leaves the fallback unasked-for time: not waited for, not blamed', async () => {
    const errors: StoreError[] = [];
    const warnings: { code: string; message: string }[] = [];
    const fallback = new FailingStore('hang');
    const limiter = createLimiter({
      store: new FailingStore('hang'),
      policies,
      onStoreError: fallback,
      timeoutMs: 30,
      onError: (e) => errors.push(e),
      onWarning: (w) => warnings.push(w),
      // Six timeouts in a row would open the breaker (tested in breaker.test.ts).
      breaker: false,
    });
    for (let i = 0; i < 6; i++) {
      expect(await limiter.consume('k')).toMatchObject({ allowed: true, decidedBy: 'failure-policy', degraded: 'timeout' });
    }
    expect(errors.map((e) => e.code)).toEqual(Array(6).fill(ErrorCodes.STORE_TIMEOUT));
    // Only the primary is named as failing; the fallback never had a chance to answer.
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('the store FailingStore');
    expect(warnings[0]!.message).not.toContain('fallback');
  });

  test('close() decides the calls still waiting on a store at once, so no timer outlives the limiter', async () => {
    const limiter = createLimiter({ store: new FailingStore('hang'), policies, timeoutMs: 600_000 });
    const pending = Promise.all([limiter.consume('a'), limiter.consume('b')]);
    await limiter.close();
    const decisions = await pending;
    expect(decisions).toHaveLength(2);
    for (const decision of decisions) expect(decision).toMatchObject({ allowed: true, decidedBy: 'failure-policy', degraded: 'store-error' });
  });

  test('a fallback store decides (and counts) while the primary is down', async () => {
    const fallback = new MemoryStore();
    const limiter = createLimiter({ store: new FailingStore('reject'), policies: [fixedWindow({ limit: 2, window: '1m' })], onStoreError: fallback });
    const answers = [await limiter.consume('k'), await limiter.consume('k'), await limiter.consume('k')];
    expect(answers.map((d) => d.allowed)).toEqual([true, true, false]);
    expect(answers).toHaveLength(3);
    expect(answers.every((d) => d.degraded === 'store-error' && d.decidedBy === 'fallback')).toBe(true);
  });

  test("a fallback store's denial is a quota decision: its own figures, not the failure policy's", async () => {
    const limiter = createLimiter({
      store: new FailingStore('reject'),
      policies: [fixedWindow({ name: 'minute', limit: 1, window: '1m' })],
      onStoreError: new MemoryStore(),
    });
    await limiter.consume('k', { nowMs: T });
    const denied = await limiter.consume('k', { nowMs: T + 23_000 });
    expect(denied).toMatchObject({ allowed: false, decidedBy: 'fallback', degraded: 'store-error', policy: 'minute', limit: 1 });
    // The window's own wait (37 s left), not DEGRADED_RETRY_AFTER_MS.
    expect(denied.retryAfterMs).toBe(37_000);
  });

  test.each([
    ['the primary answered', {}, 'store', undefined],
    ["'allow' decided", { onStoreError: 'allow' }, 'failure-policy', 'store-error'],
    ["'deny' decided", { onStoreError: 'deny' }, 'failure-policy', 'store-error'],
    ['the fallback failed too', { onStoreError: 'fallback-fails' }, 'failure-policy', 'store-error'],
  ] as const)('decidedBy says who decided: %s', async (_title, setup, decidedBy, degraded) => {
    const primary = decidedBy === 'store' ? new MemoryStore() : new FailingStore('reject');
    const onStoreError = 'onStoreError' in setup ? (setup.onStoreError === 'fallback-fails' ? new FailingStore('throw') : setup.onStoreError) : undefined;
    const limiter = createLimiter({ store: primary, policies, onStoreError });
    const decision = await limiter.consume('k');
    expect(decision.decidedBy).toBe(decidedBy);
    expect(decision.degraded).toBe(degraded);
  });

  test('a store error carrying an input-error code (from any copy, no instanceof) surfaces instead of failing open', async () => {
    const store = new FailingStore('throw');
    // What another copy of @sluice/core would throw: same code, unrelated class.
    const foreign = Object.assign(new Error('Invalid option `mode`'), { code: ErrorCodes.INVALID_OPTION, option: 'mode' });
    store.consume = () => Promise.reject(foreign);
    const errors: StoreError[] = [];
    const limiter = createLimiter({ store, policies, onError: (e) => errors.push(e) });
    await expect(limiter.consume('k')).rejects.toBe(foreign);
    expect(errors).toHaveLength(0);
  });

  test('an onError hook that throws neither crashes nor changes the decision; it is reported as a warning', async () => {
    const warnings: { code: string }[] = [];
    const limiter = createLimiter({
      store: new FailingStore('throw'),
      policies,
      onError: () => {
        throw new Error('logger down');
      },
      onWarning: (w) => warnings.push(w),
    });
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, decidedBy: 'failure-policy' });
    expect(warnings.map((w) => w.code)).toContain(CALLBACK_THREW);
  });

  test('an async onError hook that rejects is reported as a warning too, never left to the event loop', async () => {
    const warnings: { code: string; message: string }[] = [];
    const limiter = createLimiter({
      store: new FailingStore('throw'),
      policies,
      onError: async () => {
        throw new Error('log sink down');
      },
      onWarning: (w) => warnings.push(w),
    });
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, decidedBy: 'failure-policy' });
    await new Promise((resolve) => setImmediate(resolve));
    const thrown = warnings.filter((w) => w.code === CALLBACK_THREW);
    expect(thrown).toHaveLength(1);
    expect(thrown[0]!.message).toContain('log sink down');
  });

  test('a store refusing its input (InvalidOptionError) is a bug surfaced to the caller, not a degraded decision', async () => {
    const store = new FailingStore('throw');
    store.consume = () => Promise.reject(new InvalidOptionError('key', 'k', 'a hash-tagged key'));
    const limiter = createLimiter({ store, policies });
    await expect(limiter.consume('k')).rejects.toBeInstanceOf(InvalidOptionError);
  });

  test('a failing fallback store still yields a decision', async () => {
    const limiter = createLimiter({ store: new FailingStore('reject'), policies, onStoreError: new FailingStore('throw') });
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, degraded: 'store-error' });
  });

  test('reset surfaces store failures to the caller as StoreError', async () => {
    const store = new FailingStore('throw');
    store.reset = () => Promise.reject(new StoreError('down'));
    const limiter = createLimiter({ store, policies });
    await expect(limiter.reset('k')).rejects.toBeInstanceOf(StoreError);
  });

  test('reset wraps a plain store failure in a StoreError with the cause', async () => {
    const store = new FailingStore('throw');
    const cause = new Error('ECONNRESET');
    store.reset = () => Promise.reject(cause);
    const limiter = createLimiter({ store, policies });
    await expect(limiter.reset('k')).rejects.toMatchObject({ code: ErrorCodes.STORE, cause });
  });
});

describe('limiter.options and withPolicies', () => {
  const onError = (): void => undefined;
  const onWarning = (): void => undefined;

  test('options holds every resolved setting but the policies, frozen, under the option names', () => {
    const store = new MemoryStore();
    const fallback = new MemoryStore();
    const limiter = createLimiter({ store, policies: [fixedWindow({ limit: 1, window: '1s' })], prefix: 'api', onStoreError: fallback, timeoutMs: 50, onError, onWarning });
    expect(limiter.options).toEqual({
      store,
      prefix: 'api',
      onStoreError: fallback,
      timeoutMs: 50,
      onError,
      onWarning,
      breaker: expect.objectContaining({ failureThreshold: 5, cooldownMs: 1_000 }),
      blockCache: { maxEntries: 10_000 },
      shadow: false,
    });
    expect(Object.isFrozen(limiter.options)).toBe(true);
    // One list of names: every option but `policies` is a setting, and every setting an option.
    expect(Object.keys(limiter.options).sort()).toEqual(LIMITER_OPTION_KEYS.filter((k) => k !== 'policies').sort());
  });

  test('a sibling keeps every setting and shares the store, with its own policies', async () => {
    const errors: StoreError[] = [];
    const failing = new FailingStore('reject');
    const limiter = createLimiter({ store: failing, policies: [fixedWindow({ limit: 1, window: '1s' })], prefix: 'api', onStoreError: 'deny', timeoutMs: 50, onError: (e) => errors.push(e), onWarning });
    const sibling = limiter.withPolicies([tokenBucket({ name: 'burst', capacity: 3, refillPerSecond: 1 })]);
    expect(sibling.options).toEqual(limiter.options);
    expect(sibling.policies.map((p) => p.name)).toEqual(['burst']);
    expect(await sibling.consume('k')).toMatchObject({ allowed: false, decidedBy: 'failure-policy', policy: 'burst' });
    expect(errors).toHaveLength(1);
    expect(failing.calls).toBe(1);
  });

  test('siblings share state per policy in one store (same key layout)', async () => {
    const shared = fixedWindow({ name: 'shared', limit: 2, window: '1m' });
    const limiter = createLimiter({ policies: [shared] });
    const sibling = limiter.withPolicies([shared, tokenBucket({ capacity: 10, refillPerSecond: 1 })]);
    await limiter.consume('k', { nowMs: T });
    expect((await sibling.consume('k', { nowMs: T })).results[0]).toMatchObject({ policy: 'shared', remaining: 0 });
  });

  test('withPolicies validates the policies like createLimiter', () => {
    const limiter = createLimiter({ store: new FailingStore('throw'), policies: [fixedWindow({ limit: 1, window: '1s' })] });
    expect(() => limiter.withPolicies([])).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_OPTION, option: 'policies' }));
    expect(() => limiter.withPolicies([slidingLog({ limit: 1, window: '1s' })])).toThrow(
      expect.objectContaining({ code: ErrorCodes.UNSUPPORTED_ALGORITHM }),
    );
  });

  test('isLimiter recognises limiters and their siblings, not look-alikes', () => {
    const limiter = createLimiter({ policies: [fixedWindow({ limit: 1, window: '1s' })] });
    expect(isLimiter(limiter)).toBe(true);
    expect(isLimiter(limiter.withPolicies([fixedWindow({ limit: 2, window: '1s' })]))).toBe(true);
    expect(isLimiter({ decide: limiter.decide, policies: limiter.policies, store: limiter.store })).toBe(false);
    expect(isLimiter(null)).toBe(false);
  });
});
