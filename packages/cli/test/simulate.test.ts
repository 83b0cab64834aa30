import { boundaryBurst, burst, jainIndex, mergeSegments, parsePolicy, percentile, simulate, steady } from '@sluice/cli';

const EPOCH = Date.UTC(2026, 0, 1);

describe('simulate (real core algorithms, virtual clock)', () => {
  test('boundary burst: the fixed window admits nearly twice its limit within one window, sliding log exactly its limit', () => {
    const traffic = mergeSegments([boundaryBurst()], EPOCH);
    const report = simulate(traffic, ['fixedWindow(limit=10,window=1s)', 'slidingWindow(limit=10,window=1s)', 'slidingLog(limit=10,window=1s)'].map((p) => parsePolicy(p)));
    const [fixed, sliding, log] = report.policies;
    expect(fixed!.worstWindow).toMatchObject({ windowMs: 1000, count: 19, limit: 10, key: 'client-1', startMs: 900 });
    expect(sliding!.worstWindow.count).toBe(10);
    expect(log!.worstWindow.count).toBe(10);
    expect(fixed!.admitted + fixed!.denied).toBe(41);
  });

  test('token bucket: the burst up to capacity, then the refill rate', () => {
    // 50 requests at once, then 10 per second for 10 s on a bucket of 20 refilling 2 per second.
    const traffic = mergeSegments([burst({ count: 50 }), steady({ rate: 10, durationMs: 10_000, startMs: 1 })], EPOCH);
    const report = simulate(traffic, [parsePolicy('tokenBucket(capacity=20,refillPerSecond=2)')], { bucketMs: 1000 });
    const p = report.policies[0]!;
    expect(p.series.admitted[0]).toBe(21); // 20 from the full bucket, +1 refilled by 500 ms
    expect(p.series.admitted.slice(1, 10)).toEqual([2, 2, 2, 2, 2, 2, 2, 2, 2]);
    expect(p.worstWindow.count).toBeLessThanOrEqual(20 + 2);
  });

  test('leaky bucket: a burst is queued (shaped with growing delays) and released at the leak rate', () => {
    const traffic = mergeSegments([burst({ count: 10 })], EPOCH);
    const report = simulate(traffic, [parsePolicy('leakyBucket(capacity=5,leakPerSecond=2)')], { bucketMs: 500 });
    const p = report.policies[0]!;
    expect(p.admitted).toBe(5);
    expect(p.shaped).toBe(4); // the first leaves at once, four wait their turn
    expect(p.denied).toBe(5);
    expect(p.delayMs).toEqual({ p50: 1000, p99: 2000, max: 2000 });
    expect(p.series.released.slice(0, 5)).toEqual([1, 1, 1, 1, 1]);
  });

  test('fairness: Jain index and the top clients share', () => {
    const traffic = mergeSegments([burst({ count: 30, clients: 1 }), burst({ count: 0 + 1, atMs: 1 }), steady({ rate: 1, durationMs: 2000, clients: 2 })], EPOCH);
    const report = simulate(traffic, [parsePolicy('fixedWindow(limit=5,window=10s)')]);
    const p = report.policies[0]!;
    expect(p.fairness.clients).toBe(2);
    // client-1 gets 5 of its 32, client-2 its 1.
    expect(p.fairness.jain).toBeCloseTo(jainIndex([5, 1])!, 10);
    expect(p.fairness.top).toEqual({ clients: 1, offeredShare: 32 / 33, admittedShare: 5 / 6 });
  });
});

describe('stats', () => {
  test('percentile is nearest-rank', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 0.5)).toBe(5);
    expect(percentile(sorted, 0.99)).toBe(10);
    expect(percentile([7], 0.5)).toBe(7);
  });

  test('Jain index: 1 when equal, 1/n when one client gets everything, null when nothing', () => {
    expect(jainIndex([3, 3, 3])).toBe(1);
    expect(jainIndex([4, 0, 0, 0])).toBe(0.25);
    expect(jainIndex([0, 0])).toBeNull();
  });
});
