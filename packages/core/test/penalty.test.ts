import {
  ALGORITHMS,
  combineResults,
  createLimiter,
  draft10PolicyValue,
  ErrorCodes,
  evaluatePenalty,
  fixedWindow,
  InvalidOptionError,
  MemoryStore,
  penalty,
  tokenBucket,
  type PolicyResult,
  type Store,
  type StoreRequest,
} from '@sluice/core';

function invalid(build: () => unknown): InvalidOptionError {
  try {
    build();
  } catch (error) {
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError');
}

const T = 1_700_000_000_000;

describe('penalty()', () => {
  test('builds a frozen policy whose id encodes every parameter', () => {
    const fixed = penalty({ after: 3, within: '1m', blockFor: '15m', name: 'abuse' });
    expect(fixed).toMatchObject({ algorithm: 'penalty', id: 'pn-3-60000-900000', name: 'abuse', limit: 3, windowMs: 60_000, withinUs: 60_000_000 });
    expect(fixed.blockForMs).toEqual([900_000]);
    expect(Object.isFrozen(fixed)).toBe(true);
    const escalating = penalty({ after: 1, within: 1000, blockFor: ['1m', '15m', '1h'] });
    expect(escalating.id).toBe('pn-1-1000-60000_900000_3600000');
    expect(escalating.name).toBe(escalating.id);
    expect(escalating.blockForUs).toEqual([60e6, 900e6, 3600e6]);
  });

  test('bad options are typed errors naming the option', () => {
    expect(invalid(() => penalty({ after: 0, within: '1m', blockFor: '1m' }))).toMatchObject({ code: ErrorCodes.INVALID_OPTION, option: 'after' });
    expect(invalid(() => penalty({ after: 1001, within: '1m', blockFor: '1m' }))).toMatchObject({ option: 'after' });
    expect(invalid(() => penalty({ after: 3, within: 'soon' as never, blockFor: '1m' }))).toMatchObject({ option: 'within' });
    expect(invalid(() => penalty({ after: 3, within: '1m', blockFor: [] }))).toMatchObject({ option: 'blockFor' });
    expect(invalid(() => penalty({ after: 3, within: '1m', blockFor: ['1m', 0] }))).toMatchObject({ option: 'blockFor[1]' });
    expect(invalid(() => penalty({ after: 3, within: '1m', blockFor: '1m', name: 'a b' }))).toMatchObject({ option: 'name' });
    expect(invalid(() => penalty({ after: 3, within: '1m', blockFor: '1m', for: 1 } as never))).toMatchObject({ code: ErrorCodes.UNKNOWN_OPTION, option: 'for' });
  });

  test('createLimiter: never alone, at most one, only on a store that declares it', () => {
    const one = penalty({ after: 3, within: '1m', blockFor: '15m' });
    const rate = fixedWindow({ limit: 5, window: '1m' });
    expect(createLimiter({ policies: [rate, one] }).policies).toHaveLength(2);
    expect(invalid(() => createLimiter({ policies: [one] }))).toMatchObject({ code: ErrorCodes.INVALID_OPTION, option: 'policies' });
    expect(invalid(() => createLimiter({ policies: [rate, one, penalty({ after: 2, within: '1m', blockFor: '1m' })] }))).toMatchObject({ option: 'policies[2]' });
    const rateOnly: Store = { algorithms: ALGORITHMS, consume: () => [], reset: () => undefined };
    expect(() => createLimiter({ store: rateOnly, policies: [rate, one] })).toThrow(expect.objectContaining({ code: ErrorCodes.UNSUPPORTED_ALGORITHM }));
  });
});

describe('evaluatePenalty (reference model)', () => {
  const policy = penalty({ after: 2, within: 1000, blockFor: ['1s', '4s'] });
  test('strikes, the block, then the next step', () => {
    const first = evaluatePenalty(policy, undefined, 0, 'consume', true);
    expect(first).toMatchObject({ allowed: true, remaining: 1, resetAfterUs: 1e6 });
    const second = evaluatePenalty(policy, first.next as never, 10, 'consume', true);
    expect(second).toMatchObject({ allowed: false, remaining: 0, retryAfterUs: 1e6, next: { blockedUntilUs: 1e6 + 10, level: 1, strikes: [] } });
    // No strike without a denial by the others, and none while blocked.
    expect(evaluatePenalty(policy, second.next as never, 20, 'consume', false).next).toBe(second.next);
    expect(evaluatePenalty(policy, second.next as never, 20, 'consume', true)).toMatchObject({ allowed: false, retryAfterUs: 1e6 - 10 });
    // After it: two strikes block for the second step.
    const a = evaluatePenalty(policy, second.next as never, 2e6, 'consume', true);
    const b = evaluatePenalty(policy, a.next as never, 2e6, 'consume', true);
    expect(b).toMatchObject({ allowed: false, retryAfterUs: 4e6, next: { level: 2 } });
    // A refund or a lease release is never denied, even while blocked.
    expect(evaluatePenalty(policy, b.next as never, 2e6 + 1, 'refund', false)).toMatchObject({ allowed: true, retryAfterUs: 0 });
  });
});

describe('a limiter with a penalty (MemoryStore)', () => {
  const policies = [tokenBucket({ name: 'burst', capacity: 2, refillPerSecond: 1 }), penalty({ name: 'abuse', after: 2, within: '1m', blockFor: '15m' })];

  test('the penalty binds only when it denies: allowed decisions describe the rate policy', async () => {
    const limiter = createLimiter({ policies });
    const admitted = await limiter.consume('client', { nowMs: T });
    expect(admitted).toMatchObject({ allowed: true, policy: 'burst', limit: 2, remaining: 1 });
    await limiter.consume('client', { nowMs: T });
    expect(await limiter.consume('client', { nowMs: T })).toMatchObject({ allowed: false, policy: 'burst', retryAfterMs: 1000 });
    const blocked = await limiter.consume('client', { nowMs: T + 1 });
    expect(blocked).toMatchObject({ allowed: false, policy: 'abuse', retryAfterMs: 15 * 60_000, resetAfterMs: 15 * 60_000, remaining: 0 });
    // Long after the rate policy would admit again, the block still holds with the exact time left.
    expect(await limiter.consume('client', { nowMs: T + 60_000 })).toMatchObject({ allowed: false, policy: 'abuse', retryAfterMs: 14 * 60_000 + 1 });
    expect(await limiter.consume('other', { nowMs: T + 60_000 })).toMatchObject({ allowed: true, policy: 'burst' });
    await limiter.reset('client');
    expect(await limiter.consume('client', { nowMs: T + 60_000 })).toMatchObject({ allowed: true, policy: 'burst' });
  });

  test('the unbound path (a MemoryStore subclass) and the bound path agree', async () => {
    class Counting extends MemoryStore {
      calls = 0;
      override consume(request: StoreRequest): PolicyResult[] {
        this.calls++;
        return super.consume(request);
      }
    }
    const store = new Counting();
    const unbound = createLimiter({ store, policies });
    const bound = createLimiter({ policies });
    for (let i = 0; i < 8; i++) {
      const at = T + i * 300;
      const [a, b] = [await unbound.consume('k', { nowMs: at }), await bound.consume('k', { nowMs: at })];
      expect(a.results).toEqual(b.results);
      expect(combineResults(a.results, policies)).toMatchObject({ allowed: b.allowed, policy: b.policy, retryAfterMs: b.retryAfterMs });
    }
    expect(store.calls).toBe(8);
  });

  test('RateLimit-Policy shows it as q = after, w = within', () => {
    expect(draft10PolicyValue(policies)).toBe('"burst";q=2;w=2, "abuse";q=2;w=60');
  });
});
