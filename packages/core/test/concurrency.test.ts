import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import {
  ALGORITHMS,
  ALL_ALGORITHMS,
  concurrency,
  createLimiter,
  DEFAULT_HOLD_ESTIMATE_MS,
  draft10PolicyValue,
  ErrorCodes,
  evaluatePolicy,
  fixedWindow,
  InvalidOptionError,
  MemoryStore,
  UnsupportedAlgorithmError,
  type ConcurrencyState,
  type Decision,
  type PolicyResult,
  type Store,
  type StoreRequest,
} from '@sluice/core';
import { watchResponse } from '../src/http/handler-done';
import { LeaseKeeper } from '../src/http/lease-keeper';

function invalid(build: () => unknown): InvalidOptionError {
  try {
    build();
  } catch (error) {
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError');
}

describe('concurrency()', () => {
  test('builds a frozen policy whose id encodes its parameters', () => {
    const policy = concurrency({ limit: 10, leaseMs: '30s', name: 'inflight' });
    expect(policy).toMatchObject({ algorithm: 'concurrency', id: 'cc-10-30000', name: 'inflight', limit: 10, leaseMs: 30_000, leaseUs: 30_000_000 });
    expect(Object.isFrozen(policy)).toBe(true);
    expect(concurrency({ limit: 2, leaseMs: 500 }).name).toBe('cc-2-500');
  });

  test('bad options are typed errors naming the option', () => {
    expect(invalid(() => concurrency({ limit: 0, leaseMs: 1000 }))).toMatchObject({ code: ErrorCodes.INVALID_OPTION, option: 'limit' });
    expect(invalid(() => concurrency({ limit: 1.5, leaseMs: 1000 }))).toMatchObject({ option: 'limit' });
    expect(invalid(() => concurrency({ limit: 2, leaseMs: 0 }))).toMatchObject({ option: 'leaseMs' });
    expect(invalid(() => concurrency({ limit: 2, leaseMs: '1 fortnight' as never }))).toMatchObject({ option: 'leaseMs' });
    expect(invalid(() => concurrency({ limit: 2, leaseMs: 1000, window: '1m' } as never))).toMatchObject({ code: ErrorCodes.UNKNOWN_OPTION, option: 'window' });
    expect(invalid(() => concurrency({ limit: 2, leaseMs: 1000, name: 'no spaces' }))).toMatchObject({ option: 'name' });
  });

  test('RateLimit-Policy names the quota unit and gives no window', () => {
    const value = draft10PolicyValue([fixedWindow({ name: 'hourly', limit: 100, window: '1h' }), concurrency({ name: 'inflight', limit: 10, leaseMs: '30s' })]);
    expect(value).toBe('"hourly";q=100;w=3600, "inflight";q=10;qu="concurrent-requests"');
  });
});

describe('the reference model', () => {
  const policy = concurrency({ limit: 3, leaseMs: 1000 });
  const at = (ms: number) => ms * 1000;

  test('leases are held until released or until leaseMs has passed', () => {
    let state: ConcurrencyState | undefined;
    const run = (ms: number, mode: 'consume' | 'peek' | 'release' | 'renew', lease?: string, cost = 1) => {
      const e = evaluatePolicy(policy, state, at(ms), cost, mode, lease);
      if (mode !== 'peek' && (mode !== 'consume' || e.allowed)) state = e.next as ConcurrencyState | undefined;
      return e;
    };
    expect(run(0, 'consume', 'a', 2)).toMatchObject({ allowed: true, remaining: 1, resetAfterUs: at(1000) });
    expect(run(100, 'consume', 'b')).toMatchObject({ allowed: true, remaining: 0 });
    // Full: the worst case frees 'a' (2 units) first, at its expiry.
    expect(run(200, 'consume', 'c')).toMatchObject({ allowed: false, remaining: 0, retryAfterUs: at(800) });
    expect(run(200, 'consume', 'd', 4)).toMatchObject({ allowed: false, retryAfterUs: Infinity });
    expect(run(300, 'release', 'a')).toMatchObject({ allowed: true, remaining: 2 });
    expect(run(300, 'release', 'a')).toMatchObject({ allowed: true, remaining: 2 });
    expect(run(900, 'renew', 'b')).toMatchObject({ allowed: true, remaining: 2, resetAfterUs: at(1000) });
    // 'b' would have lapsed at 1100 without the renewal; it now lasts until 1900.
    expect(run(1899.999, 'peek')).toMatchObject({ allowed: true, remaining: 2 });
    expect(run(1900, 'peek')).toMatchObject({ allowed: true, remaining: 3, resetAfterUs: 0 });
    expect(run(1900, 'renew', 'b')).toMatchObject({ allowed: false });
    expect(state).toBeUndefined();
  });

  test('a rate policy reads a lease operation as a peek', () => {
    const window = fixedWindow({ limit: 2, window: 1000 });
    const charged = evaluatePolicy(window, undefined, 0, 1, 'consume');
    for (const mode of ['release', 'renew'] as const) {
      const e = evaluatePolicy(window, charged.next, 10, 1, mode, 'x');
      expect(e).toMatchObject({ allowed: true, remaining: 1 });
      expect(e.next).toBe(charged.next);
    }
  });
});

describe('MemoryStore leases', () => {
  test('expired leases are garbage: the sweep drops a key whose leases all lapsed, and a release of the last lease drops it at once', () => {
    const store = new MemoryStore();
    const policies = [concurrency({ limit: 2, leaseMs: 1000 })];
    const T = 1_700_006_400_000;
    store.consume({ key: 'p:{a}', policies, cost: 1, mode: 'consume', nowMs: T, lease: 'x' });
    store.consume({ key: 'p:{b}', policies, cost: 1, mode: 'consume', nowMs: T, lease: 'y' });
    expect(store.size).toBe(2);
    store.consume({ key: 'p:{b}', policies, cost: 1, mode: 'release', nowMs: T + 1, lease: 'y' });
    expect(store.size).toBe(1);
    store.consume({ key: 'p:{c}', policies, cost: 1, mode: 'peek', nowMs: T + 999.999 });
    expect(store.sweep()).toBe(0);
    store.consume({ key: 'p:{c}', policies, cost: 1, mode: 'peek', nowMs: T + 1000 });
    expect(store.sweep()).toBe(1);
    expect(store.size).toBe(0);
    store.close();
  });
});

describe('a limiter with a concurrency policy (memory store)', () => {
  const inflight = () => concurrency({ name: 'inflight', limit: 2, leaseMs: '1m' });

  test('admits up to the limit with a lease each, denies beyond it, and admits again after a release', async () => {
    const limiter = createLimiter({ policies: [inflight()] });
    const first = await limiter.consume('k');
    const second = await limiter.consume('k');
    expect([first.allowed, second.allowed]).toEqual([true, true]);
    expect(first.lease?.id).toEqual(expect.any(String));
    expect(first.lease?.id).not.toBe(second.lease?.id);
    expect(second.remaining).toBe(0);

    const denied = await limiter.consume('k');
    expect(denied).toMatchObject({ allowed: false, policy: 'inflight' });
    expect(denied.lease).toBeUndefined();
    // No release seen yet: the default estimate, below the worst case (a minute).
    expect(denied.retryAfterMs).toBe(DEFAULT_HOLD_ESTIMATE_MS);

    await first.lease!.release();
    expect(first.lease!.released).toBe(true);
    const third = await limiter.consume('k');
    expect(third.allowed).toBe(true);
    expect(await limiter.consume('other')).toMatchObject({ allowed: true, remaining: 1 });
  });

  test('release is idempotent and renew reports whether the lease is still held', async () => {
    const limiter = createLimiter({ policies: [inflight()] });
    const decision = await limiter.consume('k', { cost: 2 });
    expect(await decision.lease!.renew()).toBe(true);
    const releasing = decision.lease!.release();
    expect(decision.lease!.release()).toBe(releasing);
    await releasing;
    expect(await decision.lease!.renew()).toBe(false);
    expect((await limiter.peek('k', { cost: 2 })).remaining).toBe(2);
  });

  test('after releases the denial estimate comes from observed hold times, never beyond the worst case', async () => {
    const limiter = createLimiter({ policies: [inflight()] });
    for (let i = 0; i < 3; i++) await (await limiter.consume('k')).lease!.release();
    await limiter.consume('k');
    await limiter.consume('k');
    const denied = await limiter.consume('k');
    expect(denied.allowed).toBe(false);
    expect(denied.retryAfterMs).toBeGreaterThanOrEqual(0);
    // Leases were held for well under a second here; the worst case is the lease (60 s).
    expect(denied.retryAfterMs).toBeLessThan(DEFAULT_HOLD_ESTIMATE_MS);
  });

  test('all or nothing with a rate policy: a rate denial takes no lease, a concurrency denial charges no rate', async () => {
    const store = new MemoryStore();
    const limiter = createLimiter({ store, policies: [fixedWindow({ name: 'hourly', limit: 3, window: '1h' }), inflight()] });
    const a = await limiter.consume('k');
    const b = await limiter.consume('k');
    expect([a.allowed, b.allowed]).toEqual([true, true]);
    // Concurrency full: denied, and the hourly quota is not charged.
    const c = await limiter.consume('k');
    expect(c).toMatchObject({ allowed: false, policy: 'inflight' });
    expect(c.results[0]).toMatchObject({ policy: 'hourly', allowed: true, remaining: 1 });
    await a.lease!.release();
    await b.lease!.release();
    expect((await limiter.consume('k')).lease).toBeDefined();
    // Hourly exhausted: denied, and no lease taken.
    const d = await limiter.consume('k');
    expect(d).toMatchObject({ allowed: false, policy: 'hourly' });
    expect(d.lease).toBeUndefined();
    const peek = await limiter.peek('k');
    expect(peek.results[1]).toMatchObject({ policy: 'inflight', remaining: 1 });
  });

  test('a release leaves the rate policies untouched', async () => {
    const limiter = createLimiter({ policies: [fixedWindow({ name: 'hourly', limit: 5, window: '1h' }), inflight()] });
    const decision = await limiter.consume('k');
    await decision.lease!.release();
    const peek = await limiter.peek('k');
    expect(peek.results.map((r: PolicyResult) => [r.policy, r.remaining])).toEqual([
      ['hourly', 4],
      ['inflight', 2],
    ]);
  });

  test('a store that does not declare concurrency is refused with UnsupportedAlgorithmError', () => {
    const store: Store = { algorithms: ALGORITHMS, consume: (_: StoreRequest) => [], reset: () => {} };
    let caught: unknown;
    try {
      createLimiter({ store, policies: [inflight()] });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UnsupportedAlgorithmError);
    expect(caught).toMatchObject({ code: ErrorCodes.UNSUPPORTED_ALGORITHM, option: 'policies[0]', algorithm: 'concurrency' });
    expect(new MemoryStore().algorithms).toEqual(ALL_ALGORITHMS);
  });

  test('a failure-policy decision carries no lease', async () => {
    const store: Store = {
      algorithms: ALL_ALGORITHMS,
      consume: () => {
        throw new Error('down');
      },
      reset: () => {},
    };
    const decision: Decision = await createLimiter({ store, policies: [inflight()], onError: () => {} }).consume('k');
    expect(decision).toMatchObject({ allowed: true, decidedBy: 'failure-policy' });
    expect(decision.lease).toBeUndefined();
  });

  test('a fallback store that admitted is the one the lease is released on', async () => {
    const fallback = new MemoryStore();
    const primary: Store = {
      algorithms: ALL_ALGORITHMS,
      consume: () => {
        throw new Error('down');
      },
      reset: () => {},
    };
    const limiter = createLimiter({ store: primary, onStoreError: fallback, policies: [concurrency({ name: 'one', limit: 1, leaseMs: '1m' })], onError: () => {} });
    const first = await limiter.consume('k');
    expect(first).toMatchObject({ allowed: true, decidedBy: 'fallback' });
    expect((await limiter.consume('k')).allowed).toBe(false);
    await first.lease!.release();
    expect((await limiter.consume('k')).allowed).toBe(true);
  });
});

describe('the middleware keeps a lease while the handler works (LeaseKeeper)', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test('renews every half leaseMs, so a response open for several leaseMs keeps its slot; releases when the finished response closes and stops renewing', async () => {
    // Fake timers and a fake clock (performance.now, which the memory store reads): deterministic.
    jest.useFakeTimers();
    const limiter = createLimiter({ policies: [concurrency({ name: 'one', limit: 1, leaseMs: 1000 })] });
    const decision = await limiter.consume('k');
    const lease = decision.lease!;
    expect(lease.leaseMs).toBe(1000);
    const renew = jest.spyOn(lease, 'renew');
    const release = jest.spyOn(lease, 'release');
    const raw = Object.assign(new EventEmitter(), { closed: false, writableEnded: false }) as unknown as ServerResponse;
    const reported: unknown[] = [];
    watchResponse(raw, new LeaseKeeper(lease, (error: unknown) => reported.push(error)));

    for (let i = 0; i < 6; i++) await jest.advanceTimersByTimeAsync(500);
    // Three lease lengths later the lease is still held (each renew pushed its expiry on).
    expect(renew.mock.calls.length).toBeGreaterThanOrEqual(5);
    expect((await limiter.consume('k')).allowed).toBe(false);

    (raw as { writableEnded: boolean }).writableEnded = true; // the app ended it
    raw.emit('close');
    await jest.advanceTimersByTimeAsync(0);
    expect(release).toHaveBeenCalledTimes(1);
    const renewals = renew.mock.calls.length;
    await jest.advanceTimersByTimeAsync(3000);
    expect(renew.mock.calls.length).toBe(renewals);
    expect((await limiter.consume('k')).allowed).toBe(true);
    expect(reported).toEqual([]);
  });

  test('without renewals the same lease lapses after leaseMs (what LeaseKeeper prevents)', async () => {
    jest.useFakeTimers();
    const limiter = createLimiter({ policies: [concurrency({ name: 'one', limit: 1, leaseMs: 1000 })] });
    expect((await limiter.consume('k')).allowed).toBe(true);
    await jest.advanceTimersByTimeAsync(999);
    expect((await limiter.consume('k')).allowed).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect((await limiter.consume('k')).allowed).toBe(true);
  });
});
