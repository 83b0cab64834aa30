import assert from 'node:assert/strict';
import {
  baseKey,
  fixedWindow,
  leakyBucket,
  slidingLog,
  slidingWindow,
  tokenBucket,
  type Mode,
  type Policy,
  type PolicyResult,
} from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import { ReferenceModel } from './support/reference';
import { pick, seededRandom } from './support/random';
import { useTarget, type TargetKind } from './support/use-target';

// Differential test: the Lua script against core's reference model, step by step, on a fake
// clock that lands on exact boundaries (the previous answer's retry/reset times, ±1 µs).

/** Not window-aligned, with a sub-millisecond part, so alignment and rounding are exercised. */
const T0 = 1_700_006_400_000 + 12_345.678;

const POLICIES: Record<string, readonly Policy[]> = {
  'fixed-window': [fixedWindow({ limit: 3, window: 1000 }), fixedWindow({ limit: 5, window: '2s' })],
  'sliding-window': [slidingWindow({ limit: 4, window: 1000 }), slidingWindow({ limit: 7, window: 300 })],
  'sliding-log': [slidingLog({ limit: 4, window: 700 }), slidingLog({ limit: 2, window: 90 })],
  'token-bucket': [
    tokenBucket({ capacity: 3, refillPerSecond: 3 }),
    tokenBucket({ capacity: 5, refillPerSecond: 0.7 }),
    tokenBucket({ capacity: 3, refillPerSecond: 4 }),
  ],
  'leaky-bucket': [
    leakyBucket({ capacity: 4, leakPerSecond: 7 }),
    leakyBucket({ capacity: 2, leakPerSecond: 1.5 }),
    leakyBucket({ capacity: 3, leakPerSecond: 8 }),
  ],
};
const ALL_POLICIES = Object.values(POLICIES).flat();

const RUNS = 30;
const STEPS = 40;

function nextMode(random: () => number): Mode {
  const r = random();
  return r < 0.7 ? 'consume' : r < 0.85 ? 'peek' : 'refund';
}

function nextCost(random: () => number): number {
  const r = random();
  return r < 0.75 ? 1 : r < 0.95 ? 2 + Math.floor(random() * 3) : 9;
}

const NUDGES = [-0.001, 0, 0, 0.001];

/**
 * The next fake time: often exactly (±1 µs) where the last answer said something changes,
 * on a whole millisecond (where sliding-window weights step), on an aligned window edge, or
 * back in time.
 */
function nextTime(random: () => number, now: number, last: readonly PolicyResult[] | undefined, policies: readonly Policy[]): number {
  const r = random();
  const marks = (last ?? [])
    .flatMap((result) => [result.retryAfterMs, result.resetAfterMs, result.delayMs])
    .filter((ms) => Number.isFinite(ms) && ms > 0);
  if (r < 0.4 && marks.length > 0) {
    const mark = now + pick(random, marks);
    return pick(random, [mark, Math.floor(mark), Math.ceil(mark)]) + pick(random, NUDGES);
  }
  if (r < 0.5) {
    const windowMs = pick(random, policies).windowMs;
    return Math.ceil(now / windowMs) * windowMs + pick(random, NUDGES);
  }
  if (r < 0.6) return now;
  if (r < 0.65) return now + 0.001;
  if (r < 0.7) {
    // The clock steps back (a fake clock, or a server clock corrected by NTP).
    return now - Math.round(random() * pick(random, policies).windowMs * 1.5 * 1000) / 1000;
  }
  const span = Math.max(...policies.map((policy) => policy.windowMs));
  return now + Math.round(random() * span * 1.5 * 1000) / 1000;
}

function describeTarget(kind: TargetKind): void {
  describe(`RedisStore matches core's reference model (${kind})`, () => {
    const fixture = useTarget(kind, [`model-${kind}-${process.pid}:*`]);
    let store: RedisStore;
    beforeAll(() => {
      store = new RedisStore({ client: fixture().client() });
    });

    async function compare(seed: number, policies: readonly Policy[]): Promise<void> {
      const random = seededRandom(seed);
      const model = new ReferenceModel();
      const key = baseKey(`model-${kind}-${process.pid}`, `{seed}:${seed}`);
      let now = T0;
      let last: PolicyResult[] | undefined;
      const history: string[] = [];
      for (let step = 0; step < STEPS; step++) {
        now = nextTime(random, now, last, policies);
        const request = { key, policies, cost: nextCost(random), mode: nextMode(random), nowMs: now };
        const expected = model.consume(request);
        const actual = await store.consume(request);
        history.push(`${request.mode} cost=${request.cost} at ${(now - T0).toFixed(3)}`);
        // deepStrictEqual tells 0 from -0, as the conformance suite does.
        assert.deepStrictEqual(
          actual,
          expected,
            `seed ${seed}, policies ${policies.map((p) => p.id).join(',')}, step ${step}:\n` +
            history.join('\n'),
        );
        last = expected;
      }
    }

    for (const [algorithm, policies] of Object.entries(POLICIES)) {
      test(`${algorithm}: ${RUNS} random runs of ${STEPS} steps`, async () => {
        for (let run = 0; run < RUNS; run++) await compare(run * 7919 + algorithm.length, [policies[run % policies.length]!]);
      });
    }

    test('several policies at once: all-or-nothing and peek-style results match', async () => {
      for (let run = 0; run < RUNS * 2; run++) {
        const random = seededRandom(run + 100_000);
        const chosen = new Set<Policy>();
        const size = 2 + Math.floor(random() * 3);
        while (chosen.size < size) chosen.add(pick(random, ALL_POLICIES));
        await compare(run + 100_000, [...chosen]);
      }
    });

    test('extremes: huge costs, costs above the limit, refunds on empty state, long logs', async () => {
      const model = new ReferenceModel();
      const big = [
        slidingLog({ limit: 5000, window: '1m' }),
        tokenBucket({ capacity: 1_000_000, refillPerSecond: 0.001 }),
        fixedWindow({ limit: 2 ** 40, window: '1d' }),
        slidingWindow({ limit: 1000, window: '1h' }),
        leakyBucket({ capacity: 3, leakPerSecond: 1_000_000 }),
      ];
      const key = baseKey(`model-${kind}-${process.pid}`, 'extremes');
      const steps: Array<[Mode, number, number]> = [
        ['refund', 5, 0],
        ['consume', 2500, 1],
        ['consume', 2500, 2],
        ['peek', 1, 3],
        ['consume', Number.MAX_SAFE_INTEGER, 4],
        ['peek', Number.MAX_SAFE_INTEGER, 5],
        ['refund', Number.MAX_SAFE_INTEGER, 6],
        ['consume', 3, 7],
        ['consume', 3, 7.0005],
        ['refund', 1, 59_999.999],
        ['consume', 1000, 60_001],
      ];
      for (const [mode, cost, at] of steps) {
        for (const policies of [big, ...big.map((policy) => [policy])]) {
          const request = { key, policies, cost, mode, nowMs: T0 + at };
          assert.deepStrictEqual(await store.consume(request), model.consume(request), `${mode} cost ${cost} at ${at}`);
        }
      }
    });
  });
}

describeTarget('standalone');
describeTarget('cluster');
