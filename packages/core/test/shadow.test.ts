import { breakerStateOf, createLimiter, fixedWindow, sleep, InvalidOptionError, leakyBucket, MemoryStore, slidingLog, slidingWindow, tokenBucket, type DecisionEvent } from '@sluice/core';
import { RemoteMemoryStore } from './fixtures/remote-memory-store';

const T = 1_700_006_400_000;

describe('shadow mode', () => {
  test('a whole-shadow limiter never denies, still charges and reports what it would have done', async () => {
    const limiter = createLimiter({ policies: [fixedWindow({ name: 'minute', limit: 2, window: '1m' })], shadow: true });
    const events: DecisionEvent[] = [];
    limiter.events.on('decision', (e) => events.push(e));
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await limiter.consume('k', { nowMs: T }));
    expect(decisions.every((d) => d.allowed && d.retryAfterMs === 0)).toBe(true);
    expect(decisions.map((d) => d.remaining)).toEqual([1, 0, 0, 0]);
    expect(decisions.map((d) => d.shadow?.allowed)).toEqual([true, true, false, false]);
    expect(decisions[3]!.shadow).toMatchObject({ policy: 'minute', retryAfterMs: expect.any(Number) });
    expect(decisions[3]!.shadow!.retryAfterMs).toBeGreaterThan(0);
    expect(decisions[3]!.results[0]).toMatchObject({ allowed: false, remaining: 0 });
    // A whole-shadow limiter applies nothing: every outcome is reported with enforced: false.
    expect(events.map((e) => [e.outcome, e.enforced])).toEqual([
      ['allowed', false],
      ['allowed', false],
      ['denied', false],
      ['denied', false],
    ]);
    // Charged as usual: the state is the enforced limiter's.
    const enforced = limiter.withPolicies([fixedWindow({ name: 'minute', limit: 2, window: '1m' })]);
    expect(enforced.options.shadow).toBe(true);
    const plain = createLimiter({ store: limiter.store, policies: [fixedWindow({ name: 'minute', limit: 2, window: '1m' })] });
    expect(await plain.consume('k', { nowMs: T })).toMatchObject({ allowed: false });
  });

  test('every policy constructor takes shadow: true; the id (state) is the same as enforced', () => {
    const made = [
      fixedWindow({ limit: 1, window: '1s', shadow: true }),
      slidingWindow({ limit: 1, window: '1s', shadow: true }),
      slidingLog({ limit: 1, window: '1s', shadow: true }),
      tokenBucket({ capacity: 1, refillPerSecond: 1, shadow: true }),
      leakyBucket({ capacity: 1, leakPerSecond: 1, shadow: true }),
    ];
    expect(made.map((p) => p.shadow)).toEqual([true, true, true, true, true]);
    expect(made[0]!.id).toBe(fixedWindow({ limit: 1, window: '1s' }).id);
    expect('shadow' in fixedWindow({ limit: 1, window: '1s', shadow: false })).toBe(false);
    expect(() => fixedWindow({ limit: 1, window: '1s', shadow: 'yes' as never })).toThrow(InvalidOptionError);
    expect(() => tokenBucket({ capacity: 1, refillPerSecond: 1, shadow: 1 as never })).toThrow(expect.objectContaining({ option: 'shadow' }));
    expect(() => createLimiter({ policies: made, shadow: 'on' as never })).toThrow(expect.objectContaining({ option: 'shadow' }));
    // A limiter accepts them (validated like any policy, from any copy).
    expect(createLimiter({ policies: made }).policies).toHaveLength(5);
  });

  test('mixed: the enforced policy decides; the shadow policy is charged in its own call and reported', async () => {
    const store = new RemoteMemoryStore();
    const limiter = createLimiter({
      store,
      policies: [fixedWindow({ name: 'enforced', limit: 3, window: '1m' }), fixedWindow({ name: 'trial', limit: 1, window: '1m', shadow: true })],
    });
    const events: DecisionEvent[] = [];
    limiter.events.on('decision', (e) => events.push(e));
    const a = await limiter.consume('k');
    const b = await limiter.consume('k');
    expect(store.calls).toBe(4);
    expect(a).toMatchObject({ allowed: true, policy: 'enforced', remaining: 2, shadow: { allowed: true } });
    expect(b).toMatchObject({ allowed: true, policy: 'enforced', remaining: 1, shadow: { allowed: false, policy: 'trial' } });
    expect(b.results.map((r) => [r.policy, r.allowed, r.remaining])).toEqual([
      ['enforced', true, 1],
      ['trial', false, 0],
    ]);
    await limiter.consume('k');
    const d = await limiter.consume('k');
    expect(d).toMatchObject({ allowed: false, policy: 'enforced', decidedBy: 'store' });
    expect(events.map((e) => `${e.outcome}/${e.enforced}`)).toEqual(['allowed/true', 'denied/false', 'denied/false', 'denied/true']);
  });

  test('mixed on a synchronous store stays synchronous', () => {
    const limiter = createLimiter({
      store: new MemoryStore(),
      policies: [fixedWindow({ limit: 3, window: '1m' }), tokenBucket({ capacity: 1, refillPerSecond: 1, shadow: true })],
    });
    const decision = limiter.decide('k', 1, 'consume', T);
    expect(typeof (decision as { then?: unknown }).then).toBe('undefined');
    expect(decision).toMatchObject({ allowed: true });
  });

  test('a shadow leaky bucket never holds: the would-be delay is reported as shaped, not enforced', async () => {
    const limiter = createLimiter({ policies: [leakyBucket({ capacity: 5, leakPerSecond: 1, shadow: true })] });
    const outcomes: string[] = [];
    limiter.events.on('decision', (e) => outcomes.push(`${e.outcome}/${e.enforced}`));
    await limiter.consume('k', { nowMs: T });
    const held = await limiter.consume('k', { nowMs: T });
    expect(held.delayMs).toBe(0);
    expect(held.shadow!.delayMs).toBeGreaterThan(0);
    expect(outcomes).toEqual(['allowed/false', 'shaped/false']);
  });

  test('a whole-shadow limiter on a failing store with onStoreError deny still admits', async () => {
    const store = new RemoteMemoryStore();
    store.mode = 'reject';
    const limiter = createLimiter({ store, policies: [fixedWindow({ limit: 1, window: '1m' })], shadow: true, onStoreError: 'deny', onWarning: () => {} });
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, degraded: 'store-error', shadow: { allowed: false } });
  });

  test('refund and reset reach both parts', async () => {
    const limiter = createLimiter({
      policies: [fixedWindow({ name: 'e', limit: 2, window: '1m' }), fixedWindow({ name: 's', limit: 1, window: '1m', shadow: true })],
    });
    await limiter.consume('k', { nowMs: T });
    await limiter.refund('k', { nowMs: T });
    const after = await limiter.consume('k', { nowMs: T });
    expect(after.results.map((r) => r.remaining)).toEqual([1, 0]);
    expect(after.shadow!.allowed).toBe(true);
    await limiter.reset('k');
    expect((await limiter.consume('k', { nowMs: T })).results.map((r) => r.remaining)).toEqual([1, 0]);
  });
  test('mixed shadow and enforced policies: one breaker failure per decision, and the enforced call is the half-open probe', async () => {
    const store = new RemoteMemoryStore();
    store.mode = 'reject';
    const policies = [fixedWindow({ name: 'live', limit: 100, window: '1m' }), fixedWindow({ name: 'trial', limit: 50, window: '1m', shadow: true })];
    const limiter = createLimiter({ store, policies, onStoreError: 'deny', breaker: { failureThreshold: 2, cooldownMs: 20, halfOpenProbes: 1 }, onWarning: () => {} });
    // Both store calls fail, but that is one failed decision: the threshold of 2 is not reached.
    expect(await limiter.consume('k')).toMatchObject({ allowed: false, degraded: 'store-error' });
    expect(store.calls).toBe(2);
    expect(breakerStateOf(store)).toBe('closed');
    await limiter.consume('k');
    expect(breakerStateOf(store)).toBe('open');
    await sleep(30);
    store.mode = 'ok';
    // The one probe slot goes to the enforced call: its success admits the request and closes the breaker.
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, decidedBy: 'store' });
    expect(breakerStateOf(store)).toBe('closed');
    expect(await limiter.consume('k')).toMatchObject({ allowed: true, decidedBy: 'store' });
  });
});
