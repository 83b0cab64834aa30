import { isSluiceError } from '@sluice/core';
import { main, parsePolicy, parseSimulateArgs, UsageError } from '@sluice/cli';

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

function usageErrorOf(fn: () => unknown): UsageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

const POLICY = ['--policy', 'fixedWindow(limit=10,window=1s)'];

describe('argument errors: typed, naming the flag, exit status 2', () => {
  test.each([
    [['simulate', '--pattern', 'steady', ...POLICY, '--bogus'], '--bogus', 'ERR_SLUICE_UNKNOWN_OPTION'],
    [['simulate', ...POLICY], '--pattern', 'ERR_SLUICE_INVALID_OPTION'],
    [['simulate', '--pattern', 'steady'], '--policy', 'ERR_SLUICE_INVALID_OPTION'],
    [['simulate', '--pattern', 'steady', '--policy'], '--policy', 'ERR_SLUICE_INVALID_OPTION'],
    [['simulate', '--pattern', 'steady', ...POLICY, '--bucket', 'soon'], '--bucket', 'ERR_SLUICE_INVALID_OPTION'],
    [['simulate', '--pattern', 'steady', ...POLICY, '--json=yes'], '--json', 'ERR_SLUICE_INVALID_OPTION'],
    [['simulate', '--pattern', 'steady', '--log', 'x.log', ...POLICY], '--log', 'ERR_SLUICE_INVALID_OPTION'],
    [['simulate', '--pattern', 'steady', ...POLICY, '--chart', 'a.svg', '--chart', 'b.svg'], '--chart', 'ERR_SLUICE_INVALID_OPTION'],
  ])('%j names %s', (argv, flag, code) => {
    const error = usageErrorOf(() => parseSimulateArgs(argv.slice(1)));
    expect(error.option).toBe(flag);
    expect(error.code).toBe(code);
    expect(error.message.startsWith(`${flag}: `)).toBe(true);
  });

  test.each([
    ['fixedWindow(limit=0,window=1s)', /^--policy: fixedWindow\(limit=0,window=1s\): Invalid option `limit`/],
    ['fixedWindow(limit=10,window=soon)', /Invalid option `window`/],
    ['fixedWindow(limit=10,windw=1s)', /^--policy: fixedWindow has no parameter `windw` \(it takes: limit, window, name\)/],
    ['fixedWindow(limit=10', /^--policy: expected name\(key=value,...\)/],
    ['bucket(capacity=1)', /^--policy: unknown policy "bucket"/],
  ])('--policy %s', (text, message) => {
    const error = usageErrorOf(() => parsePolicy(text));
    expect(error.option).toBe('--policy');
    expect(isSluiceError(error)).toBe(true);
    expect(error.message).toMatch(message);
  });

  test.each([
    ['steady(rate=-1)', /^--pattern: `steady.rate` must be a number/],
    ['steady(rate=1e9,duration=1d)', /at most 20000000 per simulation/],
    ['zipf(skew=2)', /^--pattern: zipf has no parameter `skew`/],
    ['wave', /^--pattern: unknown pattern "wave"/],
  ])('--pattern %s exits 2 with the flag in the message', async (pattern, message) => {
    const { code, out, err } = await run(['simulate', '--pattern', pattern, ...POLICY]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err.replace(/^sluice: /, '')).toMatch(message);
  });

  test('a pattern file or log that cannot be read names its flag', async () => {
    const missing = await run(['simulate', '--log', '/nonexistent/sluice.log', ...POLICY]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/^sluice: --log: cannot read \/nonexistent\/sluice.log/);
    const file = await run(['simulate', '--pattern-file', '/nonexistent/p.json', ...POLICY]);
    expect(file.err).toMatch(/^sluice: --pattern-file: cannot read/);
  });

  test('unknown command, no command, help', async () => {
    expect((await run(['simulat'])).code).toBe(2);
    expect((await run(['simulat'])).err).toMatch(/^sluice: simulat: unknown command/);
    expect((await run([])).code).toBe(2);
    const help = await run(['simulate', '--help']);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/--policy SPEC/);
  });
});

describe('main', () => {
  test('prints the table, or JSON with --json', async () => {
    const table = await run(['simulate', '--pattern', 'burst(count=15)', ...POLICY]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^15 requests from 1 client/);
    expect(table.out).toMatch(/fixedWindow\(limit=10,window=1s\)\s+10\s+5\s+0\s+10 \/ 1s \(limit 10\)/);
    const json = await run(['simulate', '--pattern', 'burst(count=15)', ...POLICY, '--json']);
    const report = JSON.parse(json.out);
    expect(report.policies).toHaveLength(1);
    expect(report.policies[0]).toMatchObject({ policy: 'fixedWindow(limit=10,window=1s)', offered: 15, admitted: 10, denied: 5, shaped: 0 });
  });
});
