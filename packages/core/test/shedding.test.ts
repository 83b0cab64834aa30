import { ErrorCodes, InvalidOptionError, LoadShedder, ProblemTypes, createAdaptiveLimiter, isAdaptiveLimiter, type AdaptiveLimiter, type Permit } from '@sluice/core';

/** A clock the test moves by hand. */
function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000;
  return { now: () => t, advance: (ms) => { t += ms; } };
}

function expectInvalid(make: () => unknown, option: string, code: string = ErrorCodes.INVALID_OPTION): void {
  let thrown: unknown;
  try {
    make();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(InvalidOptionError);
  expect(thrown).toMatchObject({ option, code });
}

/**
 * Drives a limiter against a simulated service on the fake clock: `slots` requests are served
 * at once in `serviceMs` each, the rest queue (so latency rises with concurrency past the
 * knee); `offered` requests per `serviceMs` arrive, evenly. Returns the limits seen per round.
 */
function drive(limiter: AdaptiveLimiter, clock: ReturnType<typeof fakeClock>, o: { slots: number; serviceMs: number; offered: number; rounds: number }): number[] {
  const limits: number[] = [];
  const inService: { done: number; permit: Permit }[] = [];
  const queued: Permit[] = [];
  const step = o.serviceMs / o.offered;
  let busyUntil: number[] = Array.from({ length: o.slots }, () => 0);
  for (let round = 0; round < o.rounds; round++) {
    for (let i = 0; i < o.offered; i++) {
      clock.advance(step);
      // Finish what is done by now, in order.
      inService.sort((a, b) => a.done - b.done);
      while (inService.length > 0 && (inService[0] as { done: number }).done <= clock.now()) inService.shift()?.permit.release('success');
      const permit = limiter.tryAcquire('normal');
      if (permit === undefined) continue;
      queued.push(permit);
      // FIFO over the earliest free slot: latency grows once more than `slots` are in flight.
      busyUntil = busyUntil.sort((a, b) => a - b);
      const start = Math.max(clock.now(), busyUntil[0] as number);
      busyUntil[0] = start + o.serviceMs;
      inService.push({ done: start + o.serviceMs, permit: queued.shift() as Permit });
    }
    limits.push(limiter.limit);
  }
  return limits;
}

describe('createAdaptiveLimiter options', () => {
  test('defaults', () => {
    const limiter = createAdaptiveLimiter();
    expect(limiter.options).toMatchObject({ algorithm: 'gradient', initialLimit: 20, minLimit: 4, maxLimit: 1000, criticalReserve: 0.25, sheddableReserve: 0.4 });
    expect(limiter.limit).toBe(20);
    expect(limiter.inFlight).toBe(0);
    expect(isAdaptiveLimiter(limiter)).toBe(true);
    expect(isAdaptiveLimiter({})).toBe(false);
  });

  test.each([
    [{ algorithm: 'vegas' }, 'algorithm'],
    [{ minLimit: 0 }, 'minLimit'],
    [{ minLimit: 2.5 }, 'minLimit'],
    [{ maxLimit: 3, minLimit: 4 }, 'maxLimit'],
    [{ initialLimit: 2 }, 'initialLimit'],
    [{ initialLimit: 50, maxLimit: 40 }, 'initialLimit'],
    [{ criticalReserve: 1 }, 'criticalReserve'],
    [{ criticalReserve: -0.1 }, 'criticalReserve'],
    [{ criticalReserve: Number.NaN }, 'criticalReserve'],
    [{ criticalReserve: 0.4, sheddableReserve: 0.2 }, 'sheddableReserve'],
    [{ sheddableReserve: '0.5' }, 'sheddableReserve'],
    [{ clock: 5 }, 'clock'],
  ])('%j is refused, naming %s', (options, option) => {
    expectInvalid(() => createAdaptiveLimiter(options as never), option);
  });

  test('an unknown option is refused with its own code', () => {
    expectInvalid(() => createAdaptiveLimiter({ limit: 10 } as never), 'limit', ErrorCodes.UNKNOWN_OPTION);
    expectInvalid(() => createAdaptiveLimiter('fast' as never), 'options');
  });
});

describe('AdaptiveLimiter admission', () => {
  test('admits up to the limit, then sheds; a release makes room once, however often it is called', () => {
    const limiter = createAdaptiveLimiter({ initialLimit: 10, criticalReserve: 0, sheddableReserve: 0 });
    const permits = Array.from({ length: 10 }, () => limiter.tryAcquire());
    expect(permits.every((p) => p !== undefined)).toBe(true);
    expect(limiter.inFlight).toBe(10);
    expect(limiter.tryAcquire()).toBeUndefined();
    permits[0]?.release();
    permits[0]?.release();
    expect(limiter.inFlight).toBe(9);
    expect(limiter.tryAcquire()).toBeDefined();
    expect(limiter.tryAcquire()).toBeUndefined();
    expect(limiter.stats()).toMatchObject({ inFlight: 10, admitted: { normal: 11 }, shed: { normal: 2 } });
  });

  test('the least critical go first and a reserve stays for critical traffic', () => {
    // Limit 20: normal may fill 15 (25% reserved), sheddable 12 (40% kept free).
    const limiter = createAdaptiveLimiter({ initialLimit: 20 });
    const admitted = { critical: 0, normal: 0, sheddable: 0 };
    for (let i = 0; i < 12; i++) if (limiter.tryAcquire('sheddable')) admitted.sheddable += 1;
    expect(limiter.tryAcquire('sheddable')).toBeUndefined();
    for (let i = 0; i < 10; i++) if (limiter.tryAcquire('normal')) admitted.normal += 1;
    for (let i = 0; i < 10; i++) if (limiter.tryAcquire('critical')) admitted.critical += 1;
    expect(admitted).toEqual({ sheddable: 12, normal: 3, critical: 5 });
    expect(limiter.inFlight).toBe(20);
    expect(limiter.stats().shed).toEqual({ critical: 5, normal: 7, sheddable: 1 });
  });

  test('a tiny limit keeps one slot for each class', () => {
    const limiter = createAdaptiveLimiter({ minLimit: 1, initialLimit: 1, maxLimit: 1, criticalReserve: 0.5, sheddableReserve: 0.9 });
    const permit = limiter.tryAcquire('sheddable');
    expect(permit).toBeDefined();
    expect(limiter.tryAcquire('critical')).toBeUndefined();
    permit?.release();
    expect(limiter.tryAcquire('normal')).toBeDefined();
  });
});

describe.each(['gradient', 'aimd'] as const)('%s algorithm on a simulated service (knee at 8 in flight)', (algorithm) => {
  const service = { slots: 8, serviceMs: 20 };

  test('grows from a low start and settles near the knee under twice the load it can serve', () => {
    const clock = fakeClock();
    const limiter = createAdaptiveLimiter({ algorithm, initialLimit: 4, clock: clock.now });
    const limits = drive(limiter, clock, { ...service, offered: 16, rounds: 400 });
    const settled = limits.slice(-100);
    expect(settled.length).toBe(100);
    expect(Math.min(...settled)).toBeGreaterThanOrEqual(6);
    expect(Math.max(...settled)).toBeLessThanOrEqual(32);
  });

  test('comes down from a limit far above the knee', () => {
    const clock = fakeClock();
    const limiter = createAdaptiveLimiter({ algorithm, initialLimit: 200, clock: clock.now });
    const limits = drive(limiter, clock, { ...service, offered: 400, rounds: 400 });
    expect(limits.at(-1)).toBeLessThanOrEqual(40);
  });

  test('does not grow while the service is app-limited (fewer than half the limit in flight)', () => {
    const clock = fakeClock();
    const limiter = createAdaptiveLimiter({ algorithm, initialLimit: 20, clock: clock.now });
    const limits = drive(limiter, clock, { ...service, offered: 4, rounds: 200 });
    expect(new Set(limits)).toEqual(new Set([20]));
  });

  test('never leaves [minLimit, maxLimit]', () => {
    const clock = fakeClock();
    const limiter = createAdaptiveLimiter({ algorithm, minLimit: 12, initialLimit: 12, maxLimit: 14, clock: clock.now });
    const limits = [...drive(limiter, clock, { ...service, offered: 40, rounds: 200 }), ...drive(limiter, clock, { ...service, offered: 8, rounds: 200 })];
    expect(limits.length).toBe(400);
    expect(Math.min(...limits)).toBeGreaterThanOrEqual(12);
    expect(Math.max(...limits)).toBeLessThanOrEqual(14);
  });
});

describe('outcomes', () => {
  // Ten requests that start together and end rttMs later (>= 20 ms): exactly one window.
  function busyWindow(limiter: AdaptiveLimiter, clock: ReturnType<typeof fakeClock>, outcome: 'success' | 'dropped' | 'ignore', rttMs: number): void {
    const permits = Array.from({ length: 10 }, () => limiter.tryAcquire('critical'));
    clock.advance(rttMs);
    for (const permit of permits) permit?.release(outcome);
  }

  test('AIMD takes a tenth off after a window with a dropped request, and adds one after a busy, fast one', () => {
    const clock = fakeClock();
    const limiter = createAdaptiveLimiter({ algorithm: 'aimd', initialLimit: 20, clock: clock.now });
    busyWindow(limiter, clock, 'success', 30);
    expect(limiter.limit).toBe(21);
    busyWindow(limiter, clock, 'dropped', 30);
    expect(limiter.limit).toBe(18);
  });

  test("'ignore' (the client left) gives no sample", () => {
    const clock = fakeClock();
    const limiter = createAdaptiveLimiter({ algorithm: 'aimd', initialLimit: 20, clock: clock.now });
    busyWindow(limiter, clock, 'ignore', 30);
    busyWindow(limiter, clock, 'ignore', 3000);
    expect(limiter.limit).toBe(20);
    expect(limiter.inFlight).toBe(0);
    expect(Number.isNaN(limiter.stats().baselineRttMs)).toBe(true);
  });

  test('the gradient cuts the limit when latency jumps, at most by half per window', () => {
    const clock = fakeClock();
    const limiter = createAdaptiveLimiter({ initialLimit: 16, clock: clock.now });
    const limits: number[] = [];
    for (let i = 0; i < 4; i++) {
      busyWindow(limiter, clock, 'success', 20);
      limits.push(limiter.limit);
    }
    // Latency steady: the queue allowance grows the limit.
    expect(limits).toEqual([...limits].sort((a, b) => a - b));
    expect(limits.at(-1)).toBeGreaterThan(16);
    const before = limiter.limit;
    busyWindow(limiter, clock, 'success', 200);
    expect(limiter.limit).toBeLessThan(before);
    // The estimate takes at most half off, and only a fifth of it enters the limit.
    expect(limiter.limit).toBeGreaterThanOrEqual(Math.floor(before * 0.9 - 1));
  });
});

describe('LoadShedder (the middleware half)', () => {
  test('validates its own options and the limiter options, naming them', () => {
    expectInvalid(() => new LoadShedder({ priority: 'high' } as never), 'priority');
    expectInvalid(() => new LoadShedder({ dropped: true } as never), 'dropped');
    expectInvalid(() => new LoadShedder({ retryAfter: 'soon' } as never), 'retryAfter');
    expectInvalid(() => new LoadShedder({ limiter: {} } as never), 'limiter');
    expectInvalid(() => new LoadShedder({ limiter: createAdaptiveLimiter(), minLimit: 3 }), 'minLimit');
    expectInvalid(() => new LoadShedder({ maxLimit: 0 }), 'maxLimit');
    expectInvalid(() => new LoadShedder({ priorities: {} } as never), 'priorities', ErrorCodes.UNKNOWN_OPTION);
  });

  test('a priority callback returning something else is a typed error', () => {
    const shedder = new LoadShedder<{ p: unknown }>({ priority: (req) => req.p as never });
    expect(shedder.priority({ p: 'critical' })).toBe('critical');
    expectInvalid(() => shedder.priority({ p: 'urgent' }), 'priority(req)');
  });

  test('a shed request gets a 503 problem with Retry-After in whole seconds', () => {
    const shedder = new LoadShedder({ minLimit: 1, initialLimit: 1, maxLimit: 1, retryAfter: '2500ms' });
    const res = { closed: false, writableFinished: false, statusCode: 200, once: () => res } as never;
    expect(shedder.admit('normal', res)).toBeUndefined();
    const shed = shedder.admit('sheddable', res);
    expect(shed).toMatchObject({ status: 503, retryAfter: '3' });
    expect(JSON.parse(shed?.body ?? '{}')).toEqual({
      type: ProblemTypes.TEMPORARY_REDUCED_CAPACITY,
      title: 'Temporary Reduced Capacity',
      status: 503,
      detail: 'The server is at its concurrency limit and shed this sheddable request; retry in 3 seconds.',
      priority: 'sheddable',
      retryAfter: 3,
    });
  });
});
