import fc from 'fast-check';
import {
  ErrorCodes,
  InvalidOptionError,
  createLimiter,
  fixedWindow,
  isPolicy,
  leakyBucket,
  parseDuration,
  slidingLog,
  slidingWindow,
  tokenBucket,
} from '@sluice/core';

function errorOf(fn: () => unknown): InvalidOptionError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidOptionError) return error;
    throw error;
  }
  throw new Error('expected an InvalidOptionError');
}

describe('durations', () => {
  test.each([
    [500, 500],
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['1m', 60_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['30d', 2_592_000_000],
  ])('%p is %p ms', (input, ms) => {
    expect(parseDuration(input, 'window')).toBe(ms);
  });

  test.each([0, -1, 1.5, '0s', '1w', 'soon', '', NaN, Infinity, '0.0001s', null])('%p is refused with the option name', (input) => {
    const error = errorOf(() => parseDuration(input, 'window'));
    expect(error.code).toBe(ErrorCodes.INVALID_OPTION);
    expect(error.option).toBe('window');
    expect(error.message).toContain('`window`');
  });
});

describe('policy constructors validate at construction', () => {
  test.each([
    ['a negative limit', () => fixedWindow({ limit: -1, window: '1s' }), 'limit'],
    ['a fractional limit', () => slidingWindow({ limit: 2.5, window: '1s' }), 'limit'],
    ['a zero window', () => fixedWindow({ limit: 5, window: 0 }), 'window'],
    ['a window string without unit', () => slidingLog({ limit: 5, window: '10' as never }), 'window'],
    ['a zero capacity', () => tokenBucket({ capacity: 0, refillPerSecond: 1 }), 'capacity'],
    ['a negative rate', () => tokenBucket({ capacity: 5, refillPerSecond: -1 }), 'refillPerSecond'],
    ['a missing leak rate', () => leakyBucket({ capacity: 5 } as never), 'leakPerSecond'],
    ['a name with spaces', () => fixedWindow({ limit: 5, window: '1s', name: 'per user' }), 'name'],
    ['a sliding log too large to keep', () => slidingLog({ limit: 1_000_000, window: '1h' }), 'limit'],
    ['a sliding window beyond exact arithmetic', () => slidingWindow({ limit: 2 ** 30, window: '366d' }), 'limit'],
    ['a bucket beyond exact arithmetic', () => tokenBucket({ capacity: 2 ** 40, refillPerSecond: 0.001 }), 'capacity'],
  ])('%s', (_title, build, option) => {
    const error = errorOf(build);
    expect(error.code).toBe(ErrorCodes.INVALID_OPTION);
    expect(error.option).toBe(option);
  });

  test('an unknown option key is named', () => {
    const error = errorOf(() => fixedWindow({ limit: 5, window: '1s', windowMs: 1000 } as never));
    expect(error.code).toBe(ErrorCodes.UNKNOWN_OPTION);
    expect(error.option).toBe('windowMs');
  });

  test('ids encode every parameter and names default to them', () => {
    expect(fixedWindow({ limit: 100, window: '1m' }).id).toBe('fw-100-60000');
    expect(slidingWindow({ limit: 100, window: '1m' }).id).toBe('sw-100-60000');
    expect(slidingLog({ limit: 100, window: '1m' }).id).toBe('sl-100-60000');
    const bucket = tokenBucket({ capacity: 20, refillPerSecond: 5 });
    expect(bucket.id).toBe('tb-20-200000');
    expect(bucket.name).toBe('tb-20-200000');
    expect(bucket.windowMs).toBe(4000);
    expect(leakyBucket({ capacity: 20, leakPerSecond: 5, name: 'queue' }).name).toBe('queue');
  });

  test('a fractional rate gets a whole-microsecond interval rounded up, never a faster rate', () => {
    expect(tokenBucket({ capacity: 1, refillPerSecond: 3 }).intervalUs).toBe(333_334);
    expect(tokenBucket({ capacity: 1, refillPerSecond: 0.1 }).intervalUs).toBe(10_000_000);
    expect(tokenBucket({ capacity: 1, refillPerSecond: 7 }).intervalUs).toBe(142_858);
  });

  test('policies are frozen', () => {
    const policy = fixedWindow({ limit: 5, window: '1s' });
    expect(Object.isFrozen(policy)).toBe(true);
  });

  test('policies carry a registry-symbol brand that copies of the object do not, and that stays out of JSON', () => {
    const policy = tokenBucket({ capacity: 5, refillPerSecond: 1 });
    expect(isPolicy(policy)).toBe(true);
    expect(Object.getOwnPropertySymbols(policy)).toEqual([Symbol.for('sluice.policy')]);
    expect(isPolicy({ ...policy })).toBe(false);
    expect(JSON.parse(JSON.stringify(policy))).toEqual({ ...policy });
    expect(Object.keys(policy)).not.toContain('sluice.policy');
  });
});

describe('a limiter re-checks each policy by rebuilding it (policies may come from another copy)', () => {
  // Property: every policy a constructor accepts survives its own rebuild, field for field,
  // so no valid policy of another copy is refused (fractional rates and default names included).
  const name = fc.option(fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/), { nil: undefined });
  const windowPolicy = fc
    .record({
      make: fc.constantFrom(fixedWindow, slidingWindow, slidingLog),
      limit: fc.integer({ min: 1, max: 100_000 }),
      window: fc.integer({ min: 1, max: 86_400_000 }),
      name,
    })
    .map(({ make, limit, window, name }) => () => make({ limit, window, name }));
  const bucketPolicy = fc
    .record({
      leaky: fc.boolean(),
      capacity: fc.integer({ min: 1, max: 10_000 }),
      rate: fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 0.001, max: 1000, noNaN: true })),
      name,
    })
    .map(({ leaky, capacity, rate, name }) => () =>
      leaky ? leakyBucket({ capacity, leakPerSecond: rate, name }) : tokenBucket({ capacity, refillPerSecond: rate, name }),
    );

  test('every constructed policy is accepted by createLimiter', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(windowPolicy, bucketPolicy), (build) => {
        let policy: ReturnType<typeof build>;
        try {
          policy = build();
        } catch (error) {
          // Outside exact arithmetic: the constructor refuses, nothing to rebuild.
          if (error instanceof InvalidOptionError) return;
          throw error;
        }
        expect(createLimiter({ policies: [policy] }).policies[0]).toBe(policy);
        accepted++;
      }),
      { numRuns: 500 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
