import {
  fixedWindow,
  leakyBucket,
  slidingLog,
  slidingWindow,
  tokenBucket,
  type Algorithm,
  type Mode,
  type Policy,
  type PolicyResult,
} from '@sluice/core';

/** One call: at `at` ms after T0 (fractions allowed), then what each policy must report. */
export interface Step {
  /** When, in ms after T0 (fractions allowed, to probe exact boundaries). */
  at: number;
  /** Units of cost charged. Default 1. */
  cost?: number;
  /** 'consume' (default), 'peek' or 'refund'. */
  mode?: Mode;
  /** Which client key (scenarios may use several). Default 'a'. */
  key?: string;
  /** Expected fields of each policy's result, in policy order. */
  expect: Partial<PolicyResult>[];
}

/** A scenario table: policies, then calls on a fake clock with the results each must give. */
export interface Scenario {
  /** The test's title. */
  title: string;
  /** Algorithms the store must declare to run it. */
  needs: readonly Algorithm[];
  /** Makes the scenario's policies (fresh for each run). */
  policies: () => Policy[];
  /** The calls, in order. */
  steps: Step[];
}

const ok = (remaining: number, extra: Partial<PolicyResult> = {}): Partial<PolicyResult> => ({
  allowed: true,
  remaining,
  retryAfterMs: 0,
  ...extra,
});
const no = (retryAfterMs: number, extra: Partial<PolicyResult> = {}): Partial<PolicyResult> => ({
  allowed: false,
  retryAfterMs,
  ...extra,
});

// Hand-computed expectations: they check the reference model as much as the store.
/** Every scenario table the suite runs, for every algorithm a store declares. */
export const SCENARIOS: Scenario[] = [
  {
    title: 'fixed window: limit, denial until the window ends, fresh window at the boundary',
    needs: ['fixed-window'],
    policies: () => [fixedWindow({ limit: 3, window: 1000 })],
    steps: [
      { at: 0, expect: [ok(2, { resetAfterMs: 1000, limit: 3 })] },
      { at: 100, expect: [ok(1, { resetAfterMs: 900 })] },
      { at: 200, expect: [ok(0, { resetAfterMs: 800 })] },
      { at: 300, expect: [no(700, { remaining: 0, resetAfterMs: 700 })] },
      { at: 999.999, expect: [no(1, { remaining: 0 })] },
      { at: 1000, expect: [ok(2, { resetAfterMs: 1000 })] },
      { at: 1000.5, expect: [ok(1, { resetAfterMs: 1000 })] },
      { at: 1500, expect: [ok(0)] },
      { at: 1999.999, expect: [no(1)] },
      { at: 2000, expect: [ok(2)] },
    ],
  },
  {
    title: 'fixed window: cost, and a cost above the limit can never pass',
    needs: ['fixed-window'],
    policies: () => [fixedWindow({ limit: 5, window: '1s' })],
    steps: [
      { at: 0, cost: 3, expect: [ok(2)] },
      { at: 10, cost: 3, expect: [no(990, { remaining: 2 })] },
      { at: 20, cost: 2, expect: [ok(0)] },
      { at: 30, cost: 6, expect: [no(Infinity, { remaining: 0 })] },
      { at: 5000, cost: 6, expect: [no(Infinity, { remaining: 5 })] },
    ],
  },
  {
    title: 'sliding window: the previous window fades with elapsed milliseconds',
    needs: ['sliding-window'],
    policies: () => [slidingWindow({ limit: 10, window: 1000 })],
    steps: [
      { at: 0, cost: 10, expect: [ok(0, { resetAfterMs: 2000 })] },
      { at: 500, expect: [no(600, { remaining: 0 })] },
      { at: 1100, expect: [ok(0)] },
      { at: 1100, expect: [no(100)] },
      { at: 1199.999, expect: [no(1)] },
      { at: 1200, expect: [ok(0)] },
      { at: 1450, expect: [ok(1, { resetAfterMs: 1550 })] },
      { at: 3000, expect: [ok(9, { resetAfterMs: 2000 })] },
    ],
  },
  {
    title: 'sliding log: exact, a unit frees exactly one window after it was admitted',
    needs: ['sliding-log'],
    policies: () => [slidingLog({ limit: 3, window: 1000 })],
    steps: [
      { at: 0, expect: [ok(2, { resetAfterMs: 1000 })] },
      { at: 100, expect: [ok(1)] },
      { at: 200, expect: [ok(0, { resetAfterMs: 1000 })] },
      { at: 500, expect: [no(500, { remaining: 0, resetAfterMs: 700 })] },
      { at: 1000, expect: [ok(0)] },
      { at: 1000.5, expect: [no(100)] },
      { at: 1100, expect: [ok(0)] },
      { at: 1150, cost: 2, expect: [no(850, { remaining: 0 })] },
      { at: 1150, cost: 4, expect: [no(Infinity)] },
    ],
  },
  {
    title: 'token bucket: burst to capacity, then the refill rate',
    needs: ['token-bucket'],
    policies: () => [tokenBucket({ capacity: 3, refillPerSecond: 2 })],
    steps: [
      { at: 0, expect: [ok(2, { resetAfterMs: 500, limit: 3 })] },
      { at: 0, expect: [ok(1, { resetAfterMs: 1000 })] },
      { at: 0, expect: [ok(0, { resetAfterMs: 1500 })] },
      { at: 0, expect: [no(500, { remaining: 0 })] },
      { at: 499.999, expect: [no(1)] },
      { at: 500, expect: [ok(0, { resetAfterMs: 1500 })] },
      { at: 3000, cost: 2, expect: [ok(1, { resetAfterMs: 1000 })] },
      { at: 3000, cost: 4, expect: [no(Infinity, { remaining: 1 })] },
    ],
  },
  {
    title: 'token bucket: a fractional rate (3 per second) at its exact boundary',
    needs: ['token-bucket'],
    policies: () => [tokenBucket({ capacity: 1, refillPerSecond: 3 })],
    steps: [
      { at: 0, expect: [ok(0)] },
      { at: 333.333, expect: [no(1)] },
      { at: 333.334, expect: [ok(0)] },
      { at: 666.667, expect: [no(1)] },
      { at: 666.668, expect: [ok(0)] },
    ],
  },
  {
    title: 'token bucket: a clock that steps back never reports negative remaining',
    needs: ['token-bucket'],
    policies: () => [tokenBucket({ capacity: 2, refillPerSecond: 1 })],
    steps: [
      { at: 5000, expect: [ok(1)] },
      { at: 5000, expect: [ok(0, { resetAfterMs: 2000 })] },
      { at: 4000, mode: 'peek', expect: [no(2000, { remaining: 0, resetAfterMs: 3000 })] },
      { at: 4000, mode: 'refund', expect: [ok(0, { resetAfterMs: 2000 })] },
      { at: 7000, expect: [ok(1)] },
    ],
  },
  {
    title: 'sliding window: a clock that steps back across a window edge keeps counting',
    needs: ['sliding-window'],
    policies: () => [slidingWindow({ limit: 3, window: 1000 })],
    steps: [
      { at: 1500, cost: 3, expect: [ok(0, { resetAfterMs: 1500 })] },
      { at: 900, expect: [no(1434, { remaining: 0, resetAfterMs: 2100 })] },
      { at: 900, mode: 'refund', expect: [ok(1)] },
      { at: 950, expect: [ok(0)] },
      { at: 3000, expect: [ok(2)] },
    ],
  },
  {
    title: 'leaky bucket: admitted requests wait their turn, a full queue denies',
    needs: ['leaky-bucket'],
    policies: () => [leakyBucket({ capacity: 3, leakPerSecond: 2 })],
    steps: [
      { at: 0, expect: [ok(2, { delayMs: 0 })] },
      { at: 0, expect: [ok(1, { delayMs: 500 })] },
      { at: 0, expect: [ok(0, { delayMs: 1000 })] },
      { at: 0, expect: [no(500, { delayMs: 0 })] },
      { at: 250, expect: [no(250)] },
      { at: 500, expect: [ok(0, { delayMs: 1000 })] },
      { at: 5000, cost: 2, expect: [ok(1, { delayMs: 0 })] },
      { at: 5000, expect: [ok(0, { delayMs: 1000 })] },
    ],
  },
  {
    title: 'peek reports without charging; refund gives the cost back',
    needs: ['fixed-window', 'token-bucket'],
    policies: () => [fixedWindow({ limit: 3, window: 1000 }), tokenBucket({ capacity: 5, refillPerSecond: 1 })],
    steps: [
      { at: 0, mode: 'peek', expect: [ok(3), ok(5)] },
      { at: 0, cost: 2, expect: [ok(1), ok(3)] },
      { at: 1, mode: 'peek', expect: [ok(1), ok(3)] },
      { at: 1, mode: 'peek', cost: 2, expect: [no(999, { remaining: 1 }), ok(3)] },
      { at: 2, mode: 'refund', expect: [ok(2), ok(4)] },
      { at: 3, cost: 2, expect: [ok(0), ok(2)] },
    ],
  },
  {
    title: 'two policies, all or nothing: the denied request charges neither',
    needs: ['fixed-window'],
    policies: () => [fixedWindow({ name: 'loose', limit: 5, window: 1000 }), fixedWindow({ name: 'tight', limit: 2, window: 500 })],
    steps: [
      { at: 0, expect: [ok(4), ok(1)] },
      { at: 10, expect: [ok(3), ok(0)] },
      { at: 20, expect: [ok(3, { allowed: true }), no(480, { remaining: 0 })] },
      { at: 30, expect: [ok(3), no(470)] },
      { at: 500, expect: [ok(2), ok(1)] },
    ],
  },
  {
    title: 'three policies of three algorithms, all or nothing',
    needs: ['token-bucket', 'sliding-log', 'leaky-bucket'],
    policies: () => [
      tokenBucket({ name: 'burst', capacity: 10, refillPerSecond: 1 }),
      slidingLog({ name: 'log', limit: 3, window: 1000 }),
      leakyBucket({ name: 'queue', capacity: 10, leakPerSecond: 10 }),
    ],
    steps: [
      { at: 0, expect: [ok(9), ok(2), ok(9, { delayMs: 0 })] },
      { at: 0, expect: [ok(8), ok(1), ok(8, { delayMs: 100 })] },
      { at: 0, expect: [ok(7), ok(0), ok(7, { delayMs: 200 })] },
      { at: 0, expect: [ok(7), no(1000, { remaining: 0 }), ok(7, { delayMs: 0 })] },
      { at: 0, cost: 2, expect: [ok(7), no(1000), ok(7)] },
      { at: 1000, expect: [ok(7), ok(2), ok(9, { delayMs: 0 })] },
    ],
  },
  {
    title: 'keys are isolated, including ones that differ only by braces or colons',
    needs: ['fixed-window'],
    policies: () => [fixedWindow({ limit: 1, window: 1000 })],
    steps: [
      { at: 0, key: 'a', expect: [ok(0)] },
      { at: 0, key: 'a', expect: [no(1000)] },
      { at: 0, key: '{a}', expect: [ok(0)] },
      { at: 0, key: 'a:', expect: [ok(0)] },
      { at: 0, key: '%7Ba%7D', expect: [ok(0)] },
      { at: 0, key: 'b', expect: [ok(0)] },
    ],
  },
];
