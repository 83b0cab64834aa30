import fc from 'fast-check';
import {
  evaluatePolicy,
  fixedWindow,
  leakyBucket,
  slidingLog,
  slidingWindow,
  tokenBucket,
  type BucketPolicy,
  type Policy,
  type PolicyState,
  type WindowPolicy,
} from '@sluice/core';

// The algorithms' promises, checked on core's reference model with integer microseconds.

interface Arrival {
  atUs: number;
  cost: number;
}
interface Outcome extends Arrival {
  allowed: boolean;
  delayUs: number;
}

const T0_US = 1_700_006_400_000_000;

/**
 * Arrivals at non-decreasing times, spread over a few windows; gaps of exactly `boundaryUs`
 * (and 1 µs either side) land requests on the boundaries where off-by-ones hide.
 */
function arrivals(spanUs: number, maxCost: number, boundaryUs = spanUs): fc.Arbitrary<Arrival[]> {
  const gap = fc.oneof(
    fc.constant(0),
    fc.integer({ min: 0, max: spanUs }),
    fc.constantFrom(boundaryUs - 1, boundaryUs, boundaryUs + 1),
  );
  return fc
    .array(fc.record({ gapUs: gap, cost: fc.integer({ min: 1, max: maxCost }) }), {
      minLength: 1,
      maxLength: 80,
    })
    .map((steps) => {
      let at = T0_US + 777;
      return steps.map(({ gapUs, cost }) => ({ atUs: (at += gapUs), cost }));
    });
}

function simulate(policy: Policy, input: Arrival[]): Outcome[] {
  let state: PolicyState | undefined;
  return input.map((arrival) => {
    const evaluation = evaluatePolicy(policy, state, arrival.atUs, arrival.cost, 'consume');
    if (evaluation.allowed) state = evaluation.next;
    return { ...arrival, allowed: evaluation.allowed, delayUs: evaluation.delayUs };
  });
}

const sum = (outcomes: Outcome[]) => outcomes.reduce((total, o) => total + o.cost, 0);
const windowParams = fc.record({ limit: fc.integer({ min: 1, max: 10 }), windowMs: fc.integer({ min: 1, max: 5_000 }) });
function withArrivals(params: typeof windowParams, maxCost: number) {
  return params.chain((p) => fc.tuple(fc.constant(p), arrivals(p.windowMs * 2000, maxCost, p.windowMs * 1000)));
}
const bucketParams = fc.record({ capacity: fc.integer({ min: 1, max: 10 }), rate: fc.constantFrom(0.5, 1, 2, 3, 7, 10, 33.3) });

describe('algorithm properties (fast-check)', () => {
  test('fixed window: never more than limit per window, and a request is denied only when it does not fit', () => {
    fc.assert(
      fc.property(withArrivals(windowParams, 4), ([{ limit, windowMs }, input]) => {
        const policy = fixedWindow({ limit, window: windowMs }) as WindowPolicy;
        let windowStart = -Infinity;
        let used = 0;
        for (const o of simulate(policy, input)) {
          const fresh = o.atUs >= windowStart + policy.windowUs;
          const inWindow = fresh ? 0 : used;
          expect(o.allowed).toBe(inWindow + o.cost <= limit);
          if (o.allowed) {
            if (fresh) windowStart = o.atUs;
            used = inWindow + o.cost;
            expect(used).toBeLessThanOrEqual(limit);
          }
        }
      }),
    );
  });

  test('sliding log: never more than limit in any window of its length, and exact denials', () => {
    fc.assert(
      fc.property(withArrivals(windowParams, 4), ([{ limit, windowMs }, input]) => {
        const policy = slidingLog({ limit, window: windowMs }) as WindowPolicy;
        const admitted: Outcome[] = [];
        for (const o of simulate(policy, input)) {
          const inWindow = sum(admitted.filter((a) => a.atUs > o.atUs - policy.windowUs));
          expect(o.allowed).toBe(inWindow + o.cost <= limit);
          if (o.allowed) admitted.push(o);
        }
      }),
    );
  });

  test('sliding window: the weighted count over the aligned windows never exceeds the limit', () => {
    let checked = 0; // admitted requests checked over all runs: the property must not hold only vacuously
    fc.assert(
      fc.property(withArrivals(windowParams, 3), ([{ limit, windowMs }, input]) => {
        const policy = slidingWindow({ limit, window: windowMs }) as WindowPolicy;
        const W = policy.windowUs;
        const admitted = simulate(policy, input).filter((o) => o.allowed);
        for (const o of admitted) {
          checked++;
          const start = o.atUs - (o.atUs % W);
          const upTo = admitted.filter((a) => a.atUs <= o.atUs);
          const current = sum(upTo.filter((a) => a.atUs >= start));
          const previous = sum(upTo.filter((a) => a.atUs >= start - W && a.atUs < start));
          const elapsedMs = Math.floor((o.atUs - start) / 1000);
          expect(previous * (windowMs - elapsedMs) + current * windowMs).toBeLessThanOrEqual(limit * windowMs);
        }
      }),
    );
    expect(checked).toBeGreaterThan(0);
  });

  test('token bucket: never more than capacity + rate × elapsed, in any interval', () => {
    let checked = 0; // intervals checked over all runs: the property must not hold only vacuously
    fc.assert(
      fc.property(bucketParams, arrivals(400_000, 3), ({ capacity, rate }, input) => {
        const policy = tokenBucket({ capacity, refillPerSecond: rate }) as BucketPolicy;
        const admitted = simulate(policy, input).filter((o) => o.allowed);
        for (let i = 0; i < admitted.length; i++) {
          let total = 0;
          for (let j = i; j < admitted.length; j++) {
            checked++;
            total += admitted[j]!.cost;
            const elapsedUs = admitted[j]!.atUs - admitted[i]!.atUs;
            expect(total).toBeLessThanOrEqual(capacity + (elapsedUs * rate) / 1_000_000);
          }
        }
      }),
    );
    expect(checked).toBeGreaterThan(0);
  });

  test('token bucket: a bucket left idle long enough to refill admits a full burst', () => {
    fc.assert(
      fc.property(bucketParams, arrivals(400_000, 3), ({ capacity, rate }, input) => {
        const policy = tokenBucket({ capacity, refillPerSecond: rate }) as BucketPolicy;
        const last = input[input.length - 1]!.atUs;
        const burst = Array.from({ length: capacity }, () => ({ atUs: last + capacity * policy.intervalUs, cost: 1 }));
        const outcomes = simulate(policy, [...input, ...burst]);
        expect(outcomes.slice(-capacity).every((o) => o.allowed)).toBe(true);
      }),
    );
  });

  test('leaky bucket: with their delays applied, admitted requests leave at most at the leak rate', () => {
    let pairs = 0; // consecutive admissions checked over all runs: the property must not hold only vacuously
    fc.assert(
      fc.property(bucketParams, arrivals(400_000, 3), ({ capacity, rate }, input) => {
        const policy = leakyBucket({ capacity, leakPerSecond: rate }) as BucketPolicy;
        const admitted = simulate(policy, input).filter((o) => o.allowed);
        for (let i = 1; i < admitted.length; i++) {
          const previous = admitted[i - 1]!;
          const current = admitted[i]!;
          pairs++;
          const leavesAfter = previous.atUs + previous.delayUs + previous.cost * policy.intervalUs;
          expect(current.atUs + current.delayUs).toBeGreaterThanOrEqual(leavesAfter);
        }
        for (const o of admitted) expect(o.delayUs).toBeLessThanOrEqual((capacity - o.cost) * policy.intervalUs);
      }),
    );
    expect(pairs).toBeGreaterThan(0);
  });
});
