import fc from 'fast-check';
import { worstWindowPerKey, worstWindowSorted } from '@sluice/cli';

/** Brute force: every window [t, t + w) for every integer t from min - w to max. */
function bruteForce(times: number[], windowUs: number): number {
  if (times.length === 0) return 0;
  let best = 0;
  for (let t = Math.min(...times) - windowUs; t <= Math.max(...times); t++) {
    best = Math.max(best, times.filter((x) => x >= t && x < t + windowUs).length);
  }
  return best;
}

describe('worst window', () => {
  test('half-open: a request exactly one window later is in the next window', () => {
    expect(worstWindowSorted([0, 1000], 1000)).toEqual({ count: 1, startUs: 0 });
    expect(worstWindowSorted([0, 999], 1000)).toEqual({ count: 2, startUs: 0 });
    expect(worstWindowSorted([0, 500, 900, 1400, 1500], 1000)).toEqual({ count: 3, startUs: 0 });
    expect(worstWindowSorted([0, 500, 900, 1400, 1450], 1000)).toEqual({ count: 4, startUs: 500 });
    expect(worstWindowSorted([], 1000)).toEqual({ count: 0, startUs: -1 });
  });

  test('matches a brute force over every window start (sorted times)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 40 }), fc.integer({ min: 1, max: 25 }), (raw, windowUs) => {
        const times = [...raw].sort((a, b) => a - b);
        const found = worstWindowSorted(times, windowUs);
        expect(found.count).toBe(bruteForce(times, windowUs));
        if (times.length > 0) {
          // The reported start really holds that many.
          expect(times.filter((x) => x >= found.startUs && x < found.startUs + windowUs).length).toBe(found.count);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('per key: the busiest key, matching a brute force per key (times unsorted across keys)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 3 })), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 25 }),
        (events, windowUs) => {
          const times = events.map(([t]) => t);
          const keys = events.map(([, k]) => k);
          const found = worstWindowPerKey(times, keys, 4, windowUs);
          const perKey = [0, 1, 2, 3].map((k) => bruteForce(times.filter((_, i) => keys[i] === k), windowUs));
          expect(found.count).toBe(Math.max(...perKey));
          expect(perKey[found.keyId]).toBe(found.count);
        },
      ),
      { numRuns: 300 },
    );
  });
});
