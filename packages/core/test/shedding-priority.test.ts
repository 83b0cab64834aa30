// The adaptive limiter's priority argument: only the three classes, whatever the caller passes.
import { ErrorCodes, InvalidOptionError, LoadShedder, PRIORITIES, createAdaptiveLimiter } from '@sluice/core';
import { thrownBy } from './fixtures/thrown-by.js';

const NOT_PRIORITIES: unknown[] = ['low', 'high', 'Normal', '', 'toString', '__proto__', 'constructor', null, 0, 1, {}];

describe('AdaptiveLimiter.tryAcquire(priority)', () => {
  test('an unknown priority is an InvalidOptionError naming `priority`, and admits nothing', () => {
    // One slot for every class: 'normal' and 'critical' are refused once it is taken.
    const limiter = createAdaptiveLimiter({ initialLimit: 1, minLimit: 1, maxLimit: 1 });
    const held = limiter.tryAcquire('critical');
    expect(held).toBeDefined();
    expect(limiter.tryAcquire('normal')).toBeUndefined();
    expect(limiter.tryAcquire('critical')).toBeUndefined();
    expect(NOT_PRIORITIES.length).toBeGreaterThan(0);
    for (const priority of NOT_PRIORITIES) {
      const error = thrownBy(() => limiter.tryAcquire(priority as never));
      expect(error).toBeInstanceOf(InvalidOptionError);
      expect(error).toMatchObject({ code: ErrorCodes.INVALID_OPTION, option: 'priority' });
    }
    expect(limiter.inFlight).toBe(1);
    const stats = limiter.stats();
    expect(Object.keys(stats.admitted).sort()).toEqual([...PRIORITIES].sort());
    expect(Object.keys(stats.shed).sort()).toEqual([...PRIORITIES].sort());
    expect(stats.admitted).toEqual({ critical: 1, normal: 0, sheddable: 0 });
    expect(stats.shed).toEqual({ critical: 1, normal: 1, sheddable: 0 });
  });

  test('an unknown priority is refused on an idle limiter too (it never admits without limit)', () => {
    const limiter = createAdaptiveLimiter();
    expect(thrownBy(() => limiter.tryAcquire('low' as never))).toMatchObject({ option: 'priority' });
    expect(limiter.inFlight).toBe(0);
  });

  test('undefined is the default priority, normal', () => {
    const limiter = createAdaptiveLimiter();
    const permit = limiter.tryAcquire(undefined);
    expect(permit?.priority).toBe('normal');
    permit?.release('ignore');
  });

  test('each of PRIORITIES is admitted under its own name', () => {
    const limiter = createAdaptiveLimiter();
    expect(PRIORITIES.length).toBe(3);
    for (const priority of PRIORITIES) {
      const permit = limiter.tryAcquire(priority);
      expect(permit?.priority).toBe(priority);
      permit?.release('ignore');
    }
  });
});

describe('LoadShedder priorities (the middleware path)', () => {
  const res = () => ({ closed: false, writableFinished: false, statusCode: 200, once: () => undefined }) as never;

  test('priority(req) returning an unknown priority is an InvalidOptionError naming priority(req)', () => {
    const shedder = new LoadShedder<{ p: unknown }>({ priority: (req) => req.p as never });
    expect(thrownBy(() => shedder.priority({ p: 'low' }))).toMatchObject({ code: ErrorCodes.INVALID_OPTION, option: 'priority(req)' });
  });

  test('admit() with an unknown priority throws the same typed error and takes no slot', () => {
    const shedder = new LoadShedder({ initialLimit: 1, minLimit: 1, maxLimit: 1 });
    expect(shedder.admit('critical', res())).toBeUndefined();
    expect(shedder.admit('normal', res())).toMatchObject({ status: 503 });
    expect(thrownBy(() => shedder.admit('low' as never, res()))).toMatchObject({ code: ErrorCodes.INVALID_OPTION, option: 'priority' });
    expect(shedder.limiter.inFlight).toBe(1);
  });
});
