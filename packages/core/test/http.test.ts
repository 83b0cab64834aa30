import fc from 'fast-check';
import {
  ErrorCodes,
  bindingOutcome,
  compilePolicySet,
  refusedHold,
  type Decision,
  MemoryStore,
  RateLimitEngine,
  createLimiter,
  fixedWindow,
  isThenable,
  limitedResponse,
  tokenBucket,
  writeRateLimitHeaders,
  type RateLimitOutcome,
  type RequestAccess,
  type SluiceWarning,
} from '@sluice/core';

// A plain request shape: the engine is framework-agnostic; the adapters' own tests use real frameworks.
interface PlainRequest {
  ip: string;
  headers: Record<string, string | undefined>;
}
const access: RequestAccess<PlainRequest> = {
  ip: (req) => req.ip,
  socketIp: (req) => req.ip,
  header: (req, name) => req.headers[name],
  method: () => 'GET',
  route: () => '/',
};
const request = (ip = '1.2.3.4', headers: Record<string, string> = {}): PlainRequest => ({ ip, headers });
const minute = (limit: number, name = 'minute') => fixedWindow({ name, limit, window: '1m' });

function headersOf(outcome: RateLimitOutcome, format: 'draft-10' | 'draft-7' | 'draft-6' | false, legacy = false) {
  const written: Record<string, string> = {};
  writeRateLimitHeaders(written, (target, name, value) => (target[name] = value), outcome, format, legacy);
  return written;
}

describe('RateLimitEngine', () => {
  it('decides synchronously on the memory store: no promise on the hot path', () => {
    const engine = new RateLimitEngine({ policies: [minute(2)] }, access);
    const outcome = engine.evaluate(request());
    expect(isThenable(outcome)).toBe(false);
    expect((outcome as RateLimitOutcome).decision).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('continues asynchronously from whichever step returns a promise', async () => {
    const engine = new RateLimitEngine<PlainRequest>(
      {
        policies: async () => [minute(2)],
        key: async (req) => `k=${req.ip}`,
        cost: async () => 2,
        skip: async () => false,
      },
      access,
    );
    const outcome = engine.evaluate(request());
    expect(isThenable(outcome)).toBe(true);
    expect((await outcome)!.decision).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('returns undefined for skipped requests', async () => {
    const engine = new RateLimitEngine<PlainRequest>({ policies: [minute(2)], skip: (req) => req.ip === '10.0.0.1' }, access);
    expect(engine.evaluate(request('10.0.0.1'))).toBeUndefined();
  });

  it('compiles each policies array once, however many requests use it', () => {
    const free = [minute(1, 'free')];
    const paid = [minute(3, 'paid')];
    const engine = new RateLimitEngine<PlainRequest>({ policies: (req) => (req.headers['x-plan'] === 'paid' ? paid : free) }, access);
    const first = engine.evaluate(request('1.1.1.1', { 'x-plan': 'paid' })) as RateLimitOutcome;
    const second = engine.evaluate(request('2.2.2.2', { 'x-plan': 'paid' })) as RateLimitOutcome;
    const third = engine.evaluate(request('3.3.3.3')) as RateLimitOutcome;
    expect(second.policySet).toBe(first.policySet);
    expect(third.policySet).not.toBe(first.policySet);
    // One store behind every tier.
    expect(third.policySet.limiter.store).toBe(first.policySet.limiter.store);
  });

  it('warns once when policies() keeps returning new arrays', () => {
    const warnings: SluiceWarning[] = [];
    const engine = new RateLimitEngine<PlainRequest>(
      { policies: () => [minute(5)], onWarning: (warning) => warnings.push(warning) },
      access,
    );
    for (let i = 0; i < 1500; i++) engine.evaluate(request());
    expect(warnings.map((warning) => warning.code)).toEqual(['SLUICE_POLICY_ARRAYS_NOT_REUSED']);
  });

  it('refuses an empty key with ERR_SLUICE_NO_CLIENT_KEY', () => {
    const engine = new RateLimitEngine<PlainRequest>({ policies: [minute(2)], key: () => '' }, access);
    expect(() => engine.evaluate(request())).toThrow(expect.objectContaining({ code: ErrorCodes.NO_CLIENT_KEY }));
  });

  it('refunds only when refund(status) says so, and never a degraded decision', () => {
    const store = new MemoryStore();
    const engine = new RateLimitEngine<PlainRequest>({ store, policies: [minute(2)], refund: (status) => status < 400 }, access);
    const outcome = engine.evaluate(request()) as RateLimitOutcome;
    engine.afterResponse(outcome, 500);
    expect((engine.evaluate(request()) as RateLimitOutcome).decision.remaining).toBe(0);
    engine.afterResponse(outcome, 200);
    expect((engine.evaluate(request()) as RateLimitOutcome).decision.remaining).toBe(0);
    const degraded = { ...outcome, decision: { ...outcome.decision, degraded: 'timeout' as const } };
    engine.afterResponse(degraded, 200);
    expect((engine.evaluate(request()) as RateLimitOutcome).decision.allowed).toBe(false);
  });
});

describe('option validation (once, at construction)', () => {
  const codeAndOption = (code: string, option: string) => expect.objectContaining({ code, option });

  it.each([
    [{ policies: [minute(1)], bogus: 1 }, ErrorCodes.UNKNOWN_OPTION, 'bogus'],
    [{}, ErrorCodes.INVALID_OPTION, 'policies'],
    [{ policies: [minute(1)], headers: 'draft-9' }, ErrorCodes.INVALID_OPTION, 'headers'],
    [{ policies: [minute(1)], legacyHeaders: 'yes' }, ErrorCodes.INVALID_OPTION, 'legacyHeaders'],
    [{ policies: [minute(1)], key: 'ip' }, ErrorCodes.INVALID_OPTION, 'key'],
    [{ policies: [minute(1)], refund: true }, ErrorCodes.INVALID_OPTION, 'refund'],
    [{ policies: [minute(1)], ipv6Subnet: 0 }, ErrorCodes.INVALID_OPTION, 'ipv6Subnet'],
    [{ policies: [minute(1)], key: () => 'k', ipv6Subnet: 48 }, ErrorCodes.INVALID_OPTION, 'ipv6Subnet'],
    [{ limiter: {} }, ErrorCodes.INVALID_OPTION, 'limiter'],
    [{ limiter: createLimiter({ policies: [minute(1)] }), policies: [minute(1)] }, ErrorCodes.INVALID_OPTION, 'policies'],
    [{ limiter: createLimiter({ policies: [minute(1)] }), store: new MemoryStore() }, ErrorCodes.INVALID_OPTION, 'store'],
    [{ policies: () => [], timeoutMs: 0 }, ErrorCodes.INVALID_OPTION, 'timeoutMs'],
    [{ policies: () => [], prefix: 'has space' }, ErrorCodes.INVALID_OPTION, 'prefix'],
    [{ policies: () => [], store: {} }, ErrorCodes.INVALID_OPTION, 'store'],
  ])('%o → %s on %s', (options, code, option) => {
    expect(() => new RateLimitEngine(options as never, access)).toThrow(codeAndOption(code, option));
  });

  it('accepts a limiter built elsewhere', () => {
    const limiter = createLimiter({ policies: [minute(1)] });
    const engine = new RateLimitEngine({ limiter }, access);
    expect((engine.evaluate(request()) as RateLimitOutcome).policySet.limiter).toBe(limiter);
  });
});

describe('response headers and problem bodies', () => {
  /** The outcome of the last of `times` identical requests. */
  const outcomeFor = (policies: Parameters<typeof createLimiter>[0]['policies'], cost = 1, times = 1) => {
    const engine = new RateLimitEngine({ policies, cost: () => cost }, access);
    let outcome!: RateLimitOutcome;
    for (let i = 0; i < times; i++) outcome = engine.evaluate(request()) as RateLimitOutcome;
    return outcome;
  };

  it('writes draft-10 fields for every policy, and Retry-After on denial', () => {
    const outcome = outcomeFor([tokenBucket({ name: 'burst', capacity: 1, refillPerSecond: 0.5 }), minute(10, 'minute')], 1, 2);
    const headers = headersOf(outcome, 'draft-10');
    expect(headers['RateLimit-Policy']).toBe('"burst";q=1;w=2, "minute";q=10;w=60');
    expect(headers['RateLimit']).toBe('"burst";r=0;t=2, "minute";r=9;t=60');
    expect(headers['Retry-After']).toBe('2');
  });

  it('gives draft-6/7 the binding policy only', () => {
    const outcome = outcomeFor([minute(5, 'minute'), fixedWindow({ name: 'hour', limit: 100, window: '1h' })]);
    expect(headersOf(outcome, 'draft-7')).toEqual({ 'RateLimit-Policy': '5;w=60', RateLimit: 'limit=5, remaining=4, reset=60' });
    expect(headersOf(outcome, 'draft-6')).toEqual({
      'RateLimit-Policy': '5;w=60',
      'RateLimit-Limit': '5',
      'RateLimit-Remaining': '4',
      'RateLimit-Reset': '60',
    });
  });

  it('gives a degraded decision RateLimit-Policy only (no unmeasured figures)', () => {
    const limiter = createLimiter({
      policies: [minute(5)],
      store: { algorithms: ['fixed-window'], consume: () => { throw new Error('down'); }, reset: () => {} },
      onStoreError: 'deny',
    });
    const outcome = new RateLimitEngine({ limiter }, access).evaluate(request()) as RateLimitOutcome;
    expect(headersOf(outcome, 'draft-10', true)).toEqual({ 'RateLimit-Policy': '"minute";q=5;w=60', 'Retry-After': '1' });
    expect(limitedResponse(outcome)).toMatchObject({ status: 503, problem: { degraded: 'store-error', retryAfter: 1 } });
  });

  it('answers a cost above the quota with 429, no Retry-After and no retryAfter member', () => {
    const outcome = outcomeFor([minute(5)], 6);
    expect(headersOf(outcome, 'draft-10')['Retry-After']).toBeUndefined();
    const { status, problem } = limitedResponse(outcome);
    expect(status).toBe(429);
    expect(problem).not.toHaveProperty('retryAfter');
    expect(problem.detail).toContain('can never pass');
  });
});

describe('stacked outcomes (several middlewares on one request)', () => {
  // A decision with one policy result, as a store would produce it.
  const decisionArb = fc
    .record({
      allowed: fc.boolean(),
      remaining: fc.integer({ min: 0, max: 50 }),
      resetAfterMs: fc.integer({ min: 0, max: 120_000 }),
      retryAfterMs: fc.oneof(fc.integer({ min: 1, max: 120_000 }), fc.constant(Infinity)),
    })
    .map(({ allowed, remaining, resetAfterMs, retryAfterMs }): Decision => {
      const result = { policy: 'p', allowed, limit: 50, remaining, resetAfterMs, retryAfterMs: allowed ? 0 : retryAfterMs, delayMs: 0 };
      return { ...result, results: [result], decidedBy: 'store' };
    });

  it('binds to a denial with the longest wait, else to the fewest units left; Retry-After is the longest finite wait', () => {
    fc.assert(
      fc.property(fc.array(decisionArb, { minLength: 2, maxLength: 6 }), (decisions) => {
        const policySet = compilePolicySet(createLimiter({ policies: [minute(50, 'p')] }));
        const outcomes = decisions.map((decision): RateLimitOutcome => ({ decision, policySet, key: 'k', cost: 1 }));
        const binding = bindingOutcome(outcomes).decision;
        const denied = decisions.filter((decision) => !decision.allowed);
        if (denied.length > 0) {
          expect(binding.allowed).toBe(false);
          expect(binding.retryAfterMs).toBe(Math.max(...denied.map((decision) => decision.retryAfterMs)));
        } else {
          expect(binding.remaining).toBe(Math.min(...decisions.map((decision) => decision.remaining)));
        }
        const written: Record<string, string> = {};
        writeRateLimitHeaders(written, (target, name, value) => (target[name] = value), outcomes.at(-1)!, 'draft-10', false, outcomes);
        const finite = denied.map((decision) => decision.retryAfterMs).filter((ms) => ms !== Infinity);
        expect(written['Retry-After']).toBe(finite.length === 0 ? undefined : String(Math.max(1, Math.ceil(Math.max(...finite) / 1000))));
        expect(written['RateLimit-Policy']!.split(', ')).toHaveLength(decisions.length);
      }),
    );
  });
});

describe('refusedHold (a leaky-bucket hold above maxDelayMs)', () => {
  it('denies with the wait until the hold fits, gives the cost back in remaining, and keeps who decided', () => {
    const queue = { policy: 'queue', allowed: true, limit: 30, remaining: 28, resetAfterMs: 172_800_000, retryAfterMs: 0, delayMs: 86_400_000 };
    const hourly = { policy: 'hourly', allowed: true, limit: 100, remaining: 99, resetAfterMs: 3_600_000, retryAfterMs: 0, delayMs: 0 };
    const decision: Decision = { ...queue, policy: 'queue', results: [queue, hourly], decidedBy: 'fallback', degraded: 'timeout' };
    const refused = refusedHold(decision, 10_000, 1);
    expect(refused).toMatchObject({ allowed: false, policy: 'queue', retryAfterMs: 86_390_000, delayMs: 0, remaining: 29, decidedBy: 'fallback', degraded: 'timeout' });
    expect(refused.results).toEqual([
      { ...queue, allowed: false, remaining: 29, retryAfterMs: 86_390_000, delayMs: 0 },
      { ...hourly, remaining: 100 },
    ]);
  });
});
