import { boundaryBurst, burst, mergeSegments, parsePattern, parsePatternFile, ramp, steady, zipf } from '@sluice/cli';

const times = (segment: { timesUs: Float64Array }) => [...segment.timesUs];

describe('pattern generators', () => {
  test('steady: rate per second, evenly spaced in integer microseconds, round-robin clients', () => {
    const s = steady({ rate: 3, durationMs: 2000, startMs: 500, clients: 2 });
    expect(times(s)).toEqual([500_000, 833_333, 1_166_667, 1_500_000, 1_833_333, 2_166_667]);
    expect([...s.keyIds]).toEqual([0, 1, 0, 1, 0, 1]);
    expect(s.keys).toEqual(['client-1', 'client-2']);
    expect(s.endUs).toBe(2_500_000);
  });

  test('burst: count requests per burst, spread evenly, repeated every period', () => {
    const b = burst({ count: 4, atMs: 1000, spreadMs: 100, repeat: 2, everyMs: 500 });
    expect(times(b)).toEqual([1_000_000, 1_025_000, 1_050_000, 1_075_000, 1_500_000, 1_525_000, 1_550_000, 1_575_000]);
    expect(times(burst({ count: 3 }))).toEqual([0, 0, 0]);
  });

  test('boundary-burst: one opener at 0, then a burst ending just before the boundary and one starting on it', () => {
    const b = boundaryBurst({ burst: 4, boundaryMs: 1000, spreadMs: 100 });
    expect(times(b)).toEqual([0, 900_000, 925_000, 950_000, 975_000, 1_000_000, 1_025_000, 1_050_000, 1_075_000]);
    expect(b.keys).toEqual(['client-1']);
    expect(b.endUs).toBe(2_000_000);
  });

  test('ramp: the expected count, sorted, denser at the end when rising', () => {
    const r = ramp({ from: 0, to: 100, durationMs: 10_000 });
    const t = times(r);
    expect(t.length).toBe(500); // (0 + 100) / 2 per second over 10 s
    for (let i = 1; i < t.length; i++) expect(t[i]!).toBeGreaterThanOrEqual(t[i - 1]!);
    const firstHalf = t.filter((us) => us < 5_000_000).length;
    expect(firstHalf).toBe(125); // a quarter of the area lies under the first half of a rising ramp
    expect(t[t.length - 1]!).toBeLessThanOrEqual(10_000_000);
    const falling = times(ramp({ from: 100, to: 0, durationMs: 10_000 }));
    expect(falling.length).toBe(500);
    expect(falling.filter((us) => us < 5_000_000).length).toBe(375);
  });

  test('zipf: deterministic per seed, skewed toward client-1', () => {
    const a = zipf({ rate: 10_000, durationMs: 1000, clients: 100, s: 1.1, seed: 7 });
    const b = zipf({ rate: 10_000, durationMs: 1000, clients: 100, s: 1.1, seed: 7 });
    expect([...a.keyIds]).toEqual([...b.keyIds]);
    expect(a.timesUs.length).toBe(10_000);
    const counts = new Array<number>(100).fill(0);
    for (const id of a.keyIds) counts[id]!++;
    // P(client-1) = 1 / Σ(1/r^1.1, r = 1..100) ≈ 0.234; client-10 gets 10^-1.1 (about 8%) of that.
    expect(counts[0]! / 10_000).toBeGreaterThan(0.21);
    expect(counts[0]! / 10_000).toBeLessThan(0.26);
    expect(counts[0]!).toBeGreaterThan(5 * counts[9]!);
    expect([...zipf({ rate: 10_000, durationMs: 1000, clients: 100, seed: 8 }).keyIds]).not.toEqual([...a.keyIds]);
  });

  test('merge: sorted, stable at equal times, same key names are one client', () => {
    const merged = mergeSegments([burst({ count: 2, atMs: 100 }), steady({ rate: 10, durationMs: 300, clients: 2 })], 0);
    expect([...merged.timesUs]).toEqual([0, 100_000, 100_000, 100_000, 200_000]);
    expect(merged.keys).toEqual(['client-1', 'client-2']);
    // At 100 ms the burst (first segment) comes before the steady request of client-2.
    expect([...merged.keyIds]).toEqual([0, 0, 0, 1, 0]);
    expect(merged.durationUs).toBe(300_000);
  });

  test('--pattern syntax and the pattern file build the same traffic', () => {
    const flag = parsePattern('steady(rate=20, duration=2s, clients=3)');
    const [file] = parsePatternFile('[{"pattern":"steady","rate":20,"duration":"2s","clients":3}]');
    expect(times(flag)).toEqual(times(file!));
    expect(flag.timesUs.length).toBe(40);
    expect(parsePattern('boundary-burst').timesUs.length).toBe(41);
    expect(parsePatternFile('{"patterns":[{"pattern":"burst","count":5}]}')[0]!.timesUs.length).toBe(5);
  });
});
