import { InvalidOptionError, isSluiceError } from '@sluice/core';
import { isUsageError, parseLog, UsageError } from '@sluice/cli';

describe('parseLog', () => {
  test('"<timestamp> <key>" in epoch seconds, milliseconds and ISO 8601; comma or spaces; sorted, stable', () => {
    const traffic = parseLog(
      [
        'timestamp,key',
        '# a comment',
        '1796040000.5 alice',
        '1796040000250,bob',
        '',
        '2026-11-30T12:00:00.250Z carol',
        '1796040000.25   dave smith',
      ].join('\n'),
    );
    expect(traffic.epochMs).toBe(1796040000250);
    expect([...traffic.timesUs]).toEqual([0, 0, 0, 250_000]);
    // Equal times keep the log's order.
    expect([...traffic.keyIds].map((id) => traffic.keys[id])).toEqual(['bob', 'carol', 'dave smith', 'alice']);
  });

  test('common and combined access-log lines: the client address is the key, the zone is applied', () => {
    const traffic = parseLog(
      [
        '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 200 2326',
        '10.0.0.2 - - [10/Oct/2000:20:55:35 +0000] "GET / HTTP/1.1" 200 512 "-" "curl/8.0"',
        '127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /again HTTP/1.0" 200 2326',
      ].join('\r\n'),
    );
    expect(traffic.epochMs).toBe(Date.UTC(2000, 9, 10, 20, 55, 35));
    expect([...traffic.timesUs]).toEqual([0, 1_000_000, 1_000_000]);
    expect(traffic.keys).toEqual(['10.0.0.2', '127.0.0.1']);
    expect([...traffic.keyIds]).toEqual([0, 1, 1]);
  });

  test('a bad line is a UsageError naming --log and the line number', () => {
    let caught: unknown;
    try {
      parseLog('1796040000 alice\nyesterday bob\n');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect(isSluiceError(caught, 'ERR_SLUICE_INVALID_OPTION')).toBe(true);
    expect((caught as UsageError).option).toBe('--log');
    expect((caught as Error).message).toMatch(/^--log: line 2 /);
    expect(() => parseLog('# only a comment\n')).toThrow(/^--log: the log holds no requests/);
  });
});

test('isUsageError tells the CLI error from core errors that also name an option', () => {
  expect(isUsageError(new UsageError('--log', 'bad'))).toBe(true);
  expect(isUsageError(new InvalidOptionError('limit', 0, 'an integer >= 1'))).toBe(false);
  expect(() => parseLog('1969-12-31T23:59:59Z alice')).toThrow(/^--log: line 1 /);
});
