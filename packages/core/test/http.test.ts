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
  RateLimitMemberCache,
  decisionOf,
  kPolicySet,
  type DecisionCarrier,
  type HttpFramework,
  type RateLimitOutcome,
  type RequestAccess,
  type SluiceWarning,
  type StackedOutcome,
} from '@sluice/core';

// A plain request that is also its own response record: the engine is framework-agnostic; the
// adapters' own tests use real frameworks.
interface Exchange {
  ip: string;
  headers: Record<string, string | undefined>;
  written: Record<string, string>;
  carrier: DecisionCarrier;
  rateLimit?: Decision;
  status?: number;
  body?: string;
  ended?: 'proceed' | 'fail' | 'denied';
  error?: unknown;
  refund?: RateLimitOutcome;
}
const access: RequestAccess<Exchange> = {
  ip: (req) => req.ip,
  socketIp: (req) => req.ip,
  header: (req, name) => req.headers[name],
  method: () => 'GET',
  route: () => '/',
};
/** The primitives a framework gives the engine, recording what the flow did. */
const plain: HttpFramework<Exchange, Exchange, undefined, (req: Exchange) => void> = {
  carrier: (req) => req.carrier,
  expose: (req, carrier) => {
    req.rateLimit = decisionOf(carrier);
  },
  setHeader: (res, name, value) => {
    res.written[name] = value;
  },
  proceed: (req) => (req.ended = 'proceed'),
  fail: (req, res, next, error) => {
    req.ended = 'fail';
    req.error = error;
  },
  sendProblem: (req, res, status, body) => {
    req.status = status;
    req.body = body;
  },
  callOnLimited: (onLimited, req, res, status) => {
    req.status = status;
    onLimited(req);
  },
  denied: (req) => (req.ended = 'denied'),
  raw: () => ({ socket: { destroyed: false } }) as never,
  abandon: () => {},
  afterResponse: (req, res, engine, outcome) => {
    req.refund = outcome;
  },
};
const request = (ip = '1.2.3.4', headers: Record<string, string> = {}): Exchange => ({ ip, headers, written: {}, carrier: {} });
const minute = (limit: number, name = 'minute') => fixedWindow({ name, limit, window: '1m' });
/** Runs one request through the engine; returns the exchange and what `handle` returned. */
function send<O>(engine: RateLimitEngine<Exchange, O>, req = request()): { req: Exchange; returned: unknown } {
  const returned = engine.handle(plain as unknown as HttpFramework<Exchange, Exchange, undefined, O>, req, req, undefined);
  return { req, returned };
}

describe('RateLimitEngine', () => {
  it('decides synchronously on the memory store: no promise on the hot path', () => {
    const engine = new RateLimitEngine({ policies: [minute(2)] }, access);
    const { req, returned } = send(engine);
    expect(isThenable(returned)).toBe(false);
    expect(req.ended).toBe('proceed');
    expect(req.rateLimit).toMatchObject({ allowed: true, remaining: 1 });
    expect(req.written).toEqual({ 'RateLimit-Policy': '"minute";q=2;w=60', RateLimit: '"minute";r=1;t=60' });
  });

  it('continues asynchronously from whichever step returns a promise', async () => {
    const engine = new RateLimitEngine<Exchange>(
      {
        policies: async () => [minute(2)],
        key: async (req) => `k=${req.ip}`,
        cost: async () => 2,
        skip: async () => false,
      },
      access,
    );
    const { req, returned } = send(engine);
    expect(isThenable(returned)).toBe(true);
    await returned;
    expect(req.ended).toBe('proceed');
    expect(req.rateLimit).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('lets skipped requests through uncounted and without headers', () => {
    const engine = new RateLimitEngine<Exchange>({ policies: [minute(2)], skip: (req) => req.ip === '10.0.0.1' }, access);
    const { req } = send(engine, request('10.0.0.1'));
    expect(req).toMatchObject({ ended: 'proceed', written: {} });
    expect(req.rateLimit).toBeUndefined();
    expect(send(engine, request('1.2.3.4')).req.rateLimit).toMatchObject({ remaining: 1 });
  });

  it('compiles each policies array once, however many requests use it', () => {
    const free = [minute(1, 'free')];
    const paid = [minute(3, 'paid')];
    const engine = new RateLimitEngine<Exchange>({ policies: (req) => (req.headers['x-plan'] === 'paid' ? paid : free) }, access);
    const setOf = (req: Exchange) => send(engine, req).req.carrier[kPolicySet]!;
    const first = setOf(request('1.1.1.1', { 'x-plan': 'paid' }));
    const second = setOf(request('2.2.2.2', { 'x-plan': 'paid' }));
    const third = setOf(request('3.3.3.3'));
    expect(second).toBe(first);
    expect(third).not.toBe(first);
    // One store behind every tier.
    expect(third.limiter.store).toBe(first.limiter.store);
  });

  it('warns once when policies() keeps returning new arrays', () => {
    const warnings: SluiceWarning[] = [];
    const engine = new RateLimitEngine<Exchange>({ policies: () => [minute(5)], onWarning: (warning) => warnings.push(warning) }, access);
    for (let i = 0; i < 1500; i++) send(engine);
    expect(warnings.map((warning) => warning.code)).toEqual(['SLUICE_POLICY_ARRAYS_NOT_REUSED']);
  });

  it('hands an empty key to the framework as ERR_SLUICE_NO_CLIENT_KEY', () => {
    const engine = new RateLimitEngine<Exchange>({ policies: [minute(2)], key: () => '' }, access);
    const { req } = send(engine);
    expect(req.ended).toBe('fail');
    expect(req.error).toMatchObject({ code: ErrorCodes.NO_CLIENT_KEY });
  });

  it('never charges a request twice through the same limiter', () => {
    const engine = new RateLimitEngine<Exchange>({ policies: [minute(5)] }, access);
    const req = request();
    send(engine, req);
    send(engine, req);
    expect(req.rateLimit).toMatchObject({ remaining: 4 });
    expect(send(engine).req.rateLimit).toMatchObject({ remaining: 3 });
  });

  it('refunds only when refund(status) says so, and never a degraded decision', () => {
    const store = new MemoryStore();
    const engine = new RateLimitEngine<Exchange>({ store, policies: [minute(2)], refund: (status) => status < 400 }, access);
    const outcome = send(engine).req.refund!;
    engine.afterResponse(outcome, 500);
    expect(send(engine).req.rateLimit!.remaining).toBe(0);
    engine.afterResponse(outcome, 200);
    expect(send(engine).req.rateLimit!.remaining).toBe(0);
    const degraded = { ...outcome, decision: { ...outcome.decision, degraded: 'timeout' as const } };
    engine.afterResponse(degraded, 200);
    expect(send(engine).req.rateLimit!.allowed).toBe(false);
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
    expect(send(engine).req.carrier[kPolicySet]!.limiter).toBe(limiter);
  });
});

describe('response headers and problem bodies', () => {
  type Policies = Parameters<typeof createLimiter>[0]['policies'];
  /** The exchange of the last of `times` identical requests. */
  const last = (options: { policies: Policies; headers?: 'draft-10' | 'draft-7' | 'draft-6'; limiter?: never }, cost = 1, times = 1) => {
    const engine = new RateLimitEngine<Exchange>({ ...options, cost: () => cost }, access);
    let req!: Exchange;
    for (let i = 0; i < times; i++) req = send(engine).req;
    return req;
  };

  it('writes draft-10 fields for every policy, and Retry-After on denial', () => {
    const req = last({ policies: [tokenBucket({ name: 'burst', capacity: 1, refillPerSecond: 0.5 }), minute(10, 'minute')] }, 1, 2);
    expect(req.written['RateLimit-Policy']).toBe('"burst";q=1;w=2, "minute";q=10;w=60');
    expect(req.written['RateLimit']).toBe('"burst";r=0;t=2, "minute";r=9;t=60');
    expect(req.written['Retry-After']).toBe('2');
    expect(req.status).toBe(429);
    expect(JSON.parse(req.body!)).toMatchObject({ 'violated-policies': ['burst'], retryAfter: 2 });
  });

  it('gives draft-6/7 the binding policy only', () => {
    const policies = () => [minute(5, 'minute'), fixedWindow({ name: 'hour', limit: 100, window: '1h' })];
    expect(last({ policies: policies(), headers: 'draft-7' }).written).toEqual({ 'RateLimit-Policy': '5;w=60', RateLimit: 'limit=5, remaining=4, reset=60' });
    expect(last({ policies: policies(), headers: 'draft-6' }).written).toEqual({
      'RateLimit-Policy': '5;w=60',
      'RateLimit-Limit': '5',
      'RateLimit-Remaining': '4',
      'RateLimit-Reset': '60',
    });
  });

  it('gives a degraded decision RateLimit-Policy only (no unmeasured figures), and a 503', () => {
    const limiter = createLimiter({
      policies: [minute(5)],
      store: { algorithms: ['fixed-window'], consume: () => { throw new Error('down'); }, reset: () => {} },
      onStoreError: 'deny',
    });
    const { req } = send(new RateLimitEngine({ limiter, legacyHeaders: true }, access));
    expect(req.written).toEqual({ 'RateLimit-Policy': '"minute";q=5;w=60', 'Retry-After': '1' });
    expect(req.status).toBe(503);
    expect(JSON.parse(req.body!)).toMatchObject({ status: 503, degraded: 'store-error', retryAfter: 1 });
    expect(limitedResponse({ decision: req.rateLimit!, cost: 1 }).status).toBe(503);
  });

  it('answers a cost above the quota with 429, no Retry-After and no retryAfter member', () => {
    const req = last({ policies: [minute(5)] }, 6);
    expect(req.written['Retry-After']).toBeUndefined();
    expect(req.status).toBe(429);
    const problem = JSON.parse(req.body!);
    expect(problem).not.toHaveProperty('retryAfter');
    expect(problem.detail).toContain('can never pass');
  });

  it('lets onLimited answer a denial, with the status already set', () => {
    const seen: number[] = [];
    const engine = new RateLimitEngine<Exchange, (req: Exchange) => void>({ policies: [minute(1)], onLimited: (req) => seen.push(req.status!) }, access);
    send(engine);
    const { req } = send(engine);
    expect(req.ended).toBe('denied');
    expect(req.body).toBeUndefined();
    expect(seen).toEqual([429]);
  });
});

describe('single-policy headers read the decision only', () => {
  it('never touches `results` (a store may build them lazily)', () => {
    const policySet = compilePolicySet(createLimiter({ policies: [minute(10)] }));
    const decision = { allowed: false, limit: 10, remaining: 0, resetAfterMs: 30_000, retryAfterMs: 30_000, delayMs: 0, policy: 'minute', decidedBy: 'store' } as Decision;
    Object.defineProperty(decision, 'results', {
      get() {
        throw new Error('results read');
      },
    });
    const written: Record<string, string> = {};
    writeRateLimitHeaders(written, (target, name, value) => (target[name] = value), policySet, decision, 'draft-10', false);
    expect(written).toEqual({ 'RateLimit-Policy': '"minute";q=10;w=60', RateLimit: '"minute";r=0;t=30', 'Retry-After': '30' });
  });
});

describe('draft-10 RateLimit member cache', () => {
  it('answers every (remaining, reset) pair with the value built from scratch, whatever came before', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat({ max: 2000 }), fc.nat({ max: 90_000 })), { minLength: 1, maxLength: 300 }),
        (pairs) => {
          const cache = new RateLimitMemberCache('burst');
          for (const [remaining, reset] of pairs) expect(cache.get(remaining, reset)).toBe(`"burst";r=${remaining};t=${reset}`);
        },
      ),
    );
  });

  it('reuses one string for a pair it has seen', () => {
    const cache = new RateLimitMemberCache('m');
    const first = cache.get(7, 60);
    cache.get(8, 60);
    expect(cache.get(7, 60)).toBe(first);
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
        const outcomes = decisions.map((decision): StackedOutcome => ({ decision, policySet }));
        const binding = bindingOutcome(outcomes).decision;
        const denied = decisions.filter((decision) => !decision.allowed);
        if (denied.length > 0) {
          expect(binding.allowed).toBe(false);
          expect(binding.retryAfterMs).toBe(Math.max(...denied.map((decision) => decision.retryAfterMs)));
        } else {
          expect(binding.remaining).toBe(Math.min(...decisions.map((decision) => decision.remaining)));
        }
        const written: Record<string, string> = {};
        const { policySet: lastSet, decision: lastDecision } = outcomes.at(-1)!;
        writeRateLimitHeaders(written, (target, name, value) => (target[name] = value), lastSet, lastDecision, 'draft-10', false, outcomes);
        const finite = denied.map((decision) => decision.retryAfterMs).filter((ms) => ms !== Infinity);
        expect(written['Retry-After']).toBe(finite.length === 0 ? undefined : String(Math.max(1, Math.ceil(Math.max(...finite) / 1000))));
        expect(written['RateLimit-Policy']!.split(', ')).toHaveLength(decisions.length);
      }),
    );
  });
});

describe('refusedHold (a leaky-bucket hold above maxDelayMs)', () => {
  it('denies with the wait until the hold fits, shows no units left on the refusing policy (its cost given back to the others), and keeps who decided', () => {
    const queue = { policy: 'queue', allowed: true, limit: 30, remaining: 28, resetAfterMs: 172_800_000, retryAfterMs: 0, delayMs: 86_400_000 };
    const hourly = { policy: 'hourly', allowed: true, limit: 100, remaining: 99, resetAfterMs: 3_600_000, retryAfterMs: 0, delayMs: 0 };
    const decision: Decision = { ...queue, policy: 'queue', results: [queue, hourly], decidedBy: 'fallback', degraded: 'timeout' };
    const refused = refusedHold(decision, 10_000, 1);
    expect(refused).toMatchObject({ allowed: false, policy: 'queue', retryAfterMs: 86_390_000, delayMs: 0, remaining: 0, decidedBy: 'fallback', degraded: 'timeout' });
    expect(refused.results).toEqual([
      { ...queue, allowed: false, remaining: 0, retryAfterMs: 86_390_000, delayMs: 0 },
      { ...hourly, remaining: 100 },
    ]);
  });
});
