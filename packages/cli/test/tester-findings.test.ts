// What a new user found in `sluice simulate`: each is a clear exit 2 naming the flag (or the
// fixed output), never a stack trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { MAX_BUCKETS, chartSpec, main, mergeSegments, parsePolicy, readLog, simulate, burst } from '@sluice/cli';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-findings-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function logFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const POLICY = ['--policy', 'fixedWindow(limit=10,window=1s)'];

describe('times beyond the limiter clock (core MAX_NOW_MS, the year 2255): exit 2 naming the flag and line', () => {
  test.each([
    ['iso.log', '1796040000 ok\n9999-12-31T23:59:59Z a\n', 2],
    ['access.log', '10.0.0.1 - - [01/Jan/2300:00:00:00 +0000] "GET / HTTP/1.1" 200 5\n', 1],
    ['number.log', '# huge epoch\n99999999999999999999 a\n', 2],
  ])('%s', async (name, text, line) => {
    const { code, out, err } = await run(['simulate', '--log', logFile(name, text), ...POLICY]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(new RegExp(`^sluice: --log: line ${line}: the time is after 2255-`));
    expect(err).not.toMatch(/\n\s+at /);
  });

  test('a pattern reaching past it names --pattern; a pattern file names its entry', async () => {
    const pattern = await run(['simulate', '--pattern', 'burst(count=1,repeat=200000,every=1d)', ...POLICY]);
    expect(pattern.code).toBe(2);
    expect(pattern.err).toMatch(/^sluice: --pattern: "burst\(count=1,repeat=200000,every=1d\)" runs 199999 days past its start .* at most \d+ days later/);
    const file = logFile('far.json', '[{"pattern":"steady","rate":1,"duration":"1s"},{"pattern":"burst","count":1,"repeat":200000,"every":"1d"}]');
    const fromFile = await run(['simulate', '--pattern-file', file, ...POLICY]);
    expect(fromFile.code).toBe(2);
    expect(fromFile.err).toMatch(/^sluice: --pattern-file \[1\]: this pattern runs/);
  });
});

test(`--bucket: at most ${MAX_BUCKETS} buckets, naming the smallest bucket for the span`, async () => {
  const { code, err } = await run(['simulate', '--pattern', 'steady(rate=1,duration=1d)', ...POLICY, '--bucket', '1ms']);
  expect(code).toBe(2);
  expect(err).toMatch(/^sluice: --bucket: 1ms makes 86400000 buckets over 1d; at most 10000: use --bucket 8640ms or more/);
  const ok = await run(['simulate', '--pattern', 'steady(rate=1,duration=1d)', ...POLICY, '--bucket', '8640ms', '--json']);
  expect(ok.code).toBe(0);
  expect(JSON.parse(ok.out).policies[0].series.offered).toHaveLength(10_000);
});

test('the 20,000,000-request maximum holds for merged patterns, before any is generated', async () => {
  const { code, err } = await run(['simulate', '--pattern', 'steady(rate=1500000,duration=10s)', '--pattern', 'steady(rate=1500000,duration=10s)', ...POLICY]);
  expect(code).toBe(2);
  expect(err).toMatch(/^sluice: --pattern: the patterns together would make 30000000 requests \(this steady 15000000\); at most 20000000/);
  const file = logFile('many.json', JSON.stringify([1, 2].map(() => ({ pattern: 'steady', rate: 1500000, duration: '10s' }))));
  expect((await run(['simulate', '--pattern-file', file, ...POLICY])).err).toMatch(/^sluice: --pattern-file \[1\]: the patterns together would make 30000000/);
});

describe('logs', () => {
  test('only a first line naming the columns is skipped; word pairs after it are bad lines', async () => {
    const { code, err } = await run(['simulate', '--log', logFile('words.log', 'timestamp key\nhello world\n1796040000 alice\n'), ...POLICY]);
    expect(code).toBe(2);
    expect(err).toMatch(/^sluice: --log: line 2 is neither/);
    expect((await run(['simulate', '--log', logFile('header.log', '# c\ntimestamp,key\n1796040000 alice\n'), ...POLICY])).code).toBe(0);
  });

  test('readLog reads a stream line by line (lines split across chunks, CRLF)', async () => {
    const chunks = ['timestamp,key\r\n17960400', '00.5 alice\r\n1796040000250,b', 'ob\r\n1796040001 alice'];
    const traffic = await readLog(Readable.from(chunks));
    expect([...traffic.timesUs]).toEqual([0, 250_000, 750_000]);
    expect([...traffic.keyIds].map((id) => traffic.keys[id])).toEqual(['bob', 'alice', 'alice']);
    await expect(readLog(Readable.from(['1796040000 a\nnonsense\n']))).rejects.toThrow(/^--log: line 2 /);
  });
});

test('durations above 366 d say the maximum', async () => {
  const { code, err } = await run(['simulate', '--pattern', 'steady', ...POLICY, '--window', '367d']);
  expect(code).toBe(2);
  expect(err).toMatch(/^sluice: --window: expected a duration in whole milliseconds from 1 to 31622400000 \(366d\)/);
  expect((await run(['simulate', '--pattern', 'steady(duration=400d)', ...POLICY])).err).toMatch(/`steady.duration`: expected .* to 31622400000 \(366d\)/);
});

test('boundary-burst refuses a spread longer than its boundary (requests before the opener)', async () => {
  const { code, err } = await run(['simulate', '--pattern', 'boundary-burst(spread=2s)', ...POLICY]);
  expect(code).toBe(2);
  expect(err).toMatch(/^sluice: --pattern: `boundary-burst.spread` \(2000 ms\) must not exceed `boundary` \(1000 ms\)/);
  expect((await run(['simulate', '--pattern', 'boundary-burst(spread=1s)', ...POLICY])).code).toBe(0);
});

describe('worst window and chart', () => {
  test('a bucket shows its capacity and what it allows in the window (capacity + rate × window), not a "limit"', async () => {
    const { out } = await run(['simulate', '--pattern', 'burst(count=30,spread=1s)', '--policy', 'leakyBucket(capacity=5,leakPerSecond=10)', '--policy', 'tokenBucket(capacity=5,refillPerSecond=10)', ...POLICY]);
    expect(out).toMatch(/leakyBucket\(capacity=5,leakPerSecond=10\) .* \/ 1s \(capacity 5, allows 15\)/);
    expect(out).toMatch(/tokenBucket\(capacity=5,refillPerSecond=10\) .* \/ 1s \(capacity 5, allows 15\)/);
    expect(out).toMatch(/fixedWindow\(limit=10,window=1s\) .* \/ 1s \(limit 10\)/);
    expect(out).not.toMatch(/Bucket.*\(limit /);
  });

  test('the busiest window is drawn over the bars; the count axis has integer ticks', () => {
    const report = simulate(mergeSegments([burst({ count: 3 })], Date.UTC(2026, 0, 1)), [parsePolicy('fixedWindow(limit=10,window=1s)')]);
    const spec = chartSpec(report, 't') as { vconcat: { layer: { mark: { type: string; fill?: unknown }; encoding: { y?: { axis?: unknown } } }[] }[] };
    const layers = spec.vconcat[0]!.layer;
    expect(layers.length).toBeGreaterThan(1);
    // Shaded behind the bars, outlined in front of them (no fill, so the bars keep their colours).
    expect(layers[0]!.mark).toMatchObject({ type: 'rect' });
    expect(layers[layers.length - 1]!.mark).toMatchObject({ type: 'rect', fill: null, stroke: expect.any(String) });
    const bars = layers.find((l) => l.mark.type === 'bar')!;
    expect(bars.encoding.y!.axis).toMatchObject({ tickMinStep: 1, format: 'd' });
  });
});

describe('small things', () => {
  test('bare `sluice`: usage on stderr, exit 2; `sluice --help`: stdout, exit 0', async () => {
    const bare = await run([]);
    expect([bare.code, bare.out]).toEqual([2, '']);
    expect(bare.err).toMatch(/^Usage: sluice <command>/);
    const help = await run(['--help']);
    expect([help.code, help.err]).toEqual([0, '']);
    expect(help.out).toMatch(/^Usage: sluice <command>/);
  });

  test('"1 request", and spans under a second in ms', async () => {
    const { out } = await run(['simulate', '--pattern', 'burst(count=1)', ...POLICY]);
    expect(out).toMatch(/^1 request from 1 client over 1ms;/);
  });

  test('an invalid number echoes the text as written', async () => {
    const { code, err } = await run(['simulate', '--pattern', 'steady', '--policy', 'fixedWindow(limit=9007199254740993,window=1s)']);
    expect(code).toBe(2);
    expect(err).toMatch(/got 9007199254740993\./);
    expect(err).not.toMatch(/9007199254740992/);
  });
});
