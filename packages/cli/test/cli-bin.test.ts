import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// End to end through the built package, as `npx sluice` runs it: bin/sluice.cjs -> dist/cjs.
// vega is ESM-only with top-level await, so the chart is only drawable in a real Node process.
const root = resolve(__dirname, '../../..');
const bin = resolve(__dirname, '../bin/sluice.cjs');
let dir: string;

function sluice(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
}

beforeAll(() => {
  const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs'), 'packages/cli'], { cwd: root, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`node scripts/build.mjs packages/cli failed:\n${build.stdout}${build.stderr}`);
  dir = mkdtempSync(join(tmpdir(), 'sluice-cli-'));
}, 300_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const FIXED = 'fixedWindow(limit=10,window=1s)';
const SLIDING = 'slidingWindow(limit=10,window=1s)';

test('boundary burst: the fixed window admits up to twice its limit across the edge, the sliding window does not (JSON and SVG)', () => {
  const result = sluice('simulate', '--pattern', 'boundary-burst', '--policy', FIXED, '--policy', SLIDING, '--json', '--chart', 'out.svg', '--html', 'out.html');
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  const report = JSON.parse(result.stdout);
  const [fixed, sliding] = report.policies;
  expect(report.requests).toBe(41);
  expect(fixed.policy).toBe(FIXED);
  expect(fixed.worstWindow.windowMs).toBe(1000);
  expect(fixed.worstWindow.count).toBeGreaterThan(10);
  expect(fixed.worstWindow.count).toBeLessThanOrEqual(20);
  expect(fixed.worstWindow.count).toBe(19); // the opener + 9 before the edge, 10 after it
  expect(sliding.policy).toBe(SLIDING);
  expect(sliding.worstWindow.count).toBeLessThanOrEqual(10);

  const svg = readFileSync(join(dir, 'out.svg'), 'utf8');
  expect(svg.startsWith('<svg')).toBe(true);
  // One row per policy, titled by the policy and carrying its busiest window in the chart itself.
  expect(svg).toContain(`>${FIXED}</text>`);
  expect(svg).toContain(`>${SLIDING}</text>`);
  expect(svg).toContain('busiest 1s (shaded): 19 admitted, limit 10');
  expect(svg).toContain('busiest 1s (shaded): 10 admitted, limit 10');
  for (const series of ['admitted', 'denied', 'offered']) expect(svg).toContain(`>${series}</text>`);

  const html = readFileSync(join(dir, 'out.html'), 'utf8');
  expect(html).toContain('<svg');
  expect(html).toMatch(/<td><code>fixedWindow\(limit=10,window=1s\)<\/code><\/td><td>20<\/td><td>21<\/td>/);
  expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
});

test('a bad flag exits 2 with a message naming it', () => {
  const result = sluice('simulate', '--pattern', 'boundary-burst', '--policy', 'fixedWindow(limit=10,window=1s)', '--bucket', 'fast');
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^sluice: --bucket: expected a duration/);
});

test('--json | head -2: the closed pipe ends the run quietly (no EPIPE stack trace), exit 0', () => {
  // About 50,000 lines of JSON: far more than a pipe buffer, so writes fail once head has left.
  const command = `"${process.execPath}" "${bin}" simulate --pattern 'steady(rate=100,duration=100s)' --policy 'fixedWindow(limit=10,window=1s)' --bucket 10ms --json 2>err.txt | head -2; echo "status=\${PIPESTATUS[0]:-?}" >&2`;
  const result = spawnSync('bash', ['-c', command], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  expect(result.stdout).toBe('{\n  "requests": 10000,\n');
  expect(readFileSync(join(dir, 'err.txt'), 'utf8')).toBe('');
  expect(result.stderr).toBe('status=0\n');
});

test('--log - reads the log from stdin', () => {
  const result = spawnSync(process.execPath, [bin, 'simulate', '--log', '-', '--policy', 'fixedWindow(limit=1,window=1s)', '--json'], {
    cwd: dir,
    encoding: 'utf8',
    input: 'timestamp,key\n1796040000 alice\n1796040000.5 alice\n1796040001 alice\n',
    timeout: 60_000,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(JSON.parse(result.stdout).policies[0]).toMatchObject({ offered: 3, admitted: 2, denied: 1 });
});

test('without a build the bin says how to build, exit 1', () => {
  const copy = join(dir, 'unbuilt', 'bin');
  mkdirSync(copy, { recursive: true });
  copyFileSync(bin, join(copy, 'sluice.cjs'));
  const result = spawnSync(process.execPath, [join(copy, 'sluice.cjs'), 'simulate', '--help'], { encoding: 'utf8' });
  expect(result.status).toBe(1);
  expect(result.stderr).toMatch(/@sluice\/cli is not built .*\nBuild it from the repository root: node scripts\/build.mjs packages\/cli/);
});
