import { parseHttpDate, parseRetryAfter, retryAfterMs } from '@sluice/client';

const NOW = Date.UTC(1994, 10, 6, 8, 49, 0); // 08:49:00 on Sun, 06 Nov 1994

describe('Retry-After (RFC 9110 section 10.2.3)', () => {
  test.each([
    ['delay-seconds', '120', 120_000],
    ['zero', '0', 0],
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT', 37_000],
    ['obsolete RFC 850 date', 'Sunday, 06-Nov-94 08:49:37 GMT', 37_000],
    ['obsolete asctime date (read as UTC)', 'Sun Nov  6 08:49:37 1994', 37_000],
    ['a date in the past', 'Sun, 06 Nov 1994 08:48:00 GMT', 0],
    ['surrounding whitespace', ' 5 ', 5000],
  ])('%s', (_form, value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });

  test.each([['1.5'], ['-1'], ['soon'], [''], ['Sun, 31 Feb 1994 08:49:37 GMT'], ['Sun, 06 Nov 1994 25:00:00 GMT'], ['2026-01-01T00:00:00Z']])(
    'malformed %j is ignored',
    (value) => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined();
    },
  );

  test('from a Response, from headers, or absent', () => {
    expect(retryAfterMs(new Response(null, { status: 429, headers: { 'Retry-After': '3' } }), NOW)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': '4' }, NOW)).toBe(4000);
    expect(retryAfterMs(new Headers(), NOW)).toBeUndefined();
  });

  test("RFC 850's two-digit year: more than 50 years ahead means the previous century", () => {
    const now2026 = Date.UTC(2026, 0, 1);
    expect(new Date(parseHttpDate('Thursday, 01-Jan-76 00:00:00 GMT', now2026)!).getUTCFullYear()).toBe(2076);
    expect(new Date(parseHttpDate('Friday, 01-Jan-77 00:00:00 GMT', now2026)!).getUTCFullYear()).toBe(1977);
  });
});
