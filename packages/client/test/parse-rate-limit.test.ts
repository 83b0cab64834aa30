import { parseRateLimit } from '@sluice/client';

const NOW = Date.UTC(2026, 0, 1);
const parse = (fields: Record<string, string>) => parseRateLimit(new Headers(fields), NOW);

describe('draft-10 (draft-ietf-httpapi-ratelimit-headers-10)', () => {
  test("the draft's single-policy example", () => {
    expect(parse({ RateLimit: '"default";r=50;t=30', 'RateLimit-Policy': '"default";q=100;w=60' })).toEqual({
      format: 'draft-10',
      policies: [{ name: 'default', remaining: 50, resetMs: 30_000, quota: 100, windowMs: 60_000 }],
    });
  });

  test("the draft's two-policy example, joined to RateLimit-Policy by name; unknown parameters ignored", () => {
    const info = parse({
      RateLimit: '"burst";r=0;t=4;ext=1, "daily";r=999;t=82000',
      'RateLimit-Policy': '"burst";q=100;w=60,"daily";q=1000;w=86400;qu="requests"',
    });
    expect(info?.policies).toEqual([
      { name: 'burst', remaining: 0, resetMs: 4000, quota: 100, windowMs: 60_000 },
      { name: 'daily', remaining: 999, resetMs: 82_000_000, quota: 1000, windowMs: 86_400_000, quotaUnit: 'requests' },
    ]);
  });

  test('a partition key (pk) keeps two members of one policy apart', () => {
    const info = parse({
      RateLimit: '"default";r=5;t=1;pk=:AQI=:, "default";r=7;t=2;pk=:AwQ=:',
      'RateLimit-Policy': '"default";q=10;w=1;pk=:AwQ=:',
    });
    expect(info?.policies).toEqual([
      { name: 'default', remaining: 5, resetMs: 1000, partitionKey: 'AQI=' },
      { name: 'default', remaining: 7, resetMs: 2000, partitionKey: 'AwQ=', quota: 10, windowMs: 1000 },
    ]);
  });

  test('a token identifier (earlier revisions) reads like a string', () => {
    expect(parse({ RateLimit: 'default;r=1;t=2' })?.policies).toEqual([{ name: 'default', remaining: 1, resetMs: 2000 }]);
  });

  test('members missing r, or with a negative, fractional or non-integer r, are ignored', () => {
    const info = parse({ RateLimit: '"a";t=1, "b";r=-1, "c";r=1.5, "d";r="3", "e";r=2;t=3' });
    expect(info?.policies).toEqual([{ name: 'e', remaining: 2, resetMs: 3000 }]);
  });

  test('a RateLimit field that does not parse is ignored; so is a malformed RateLimit-Policy', () => {
    expect(parse({ RateLimit: '"default";r=50;t=30,,' })).toBeUndefined();
    expect(parse({ RateLimit: '"unterminated;r=1' })).toBeUndefined();
    expect(parse({ RateLimit: '"x";r=5;t=1', 'RateLimit-Policy': '"x";q=10;w=' })?.policies).toEqual([{ name: 'x', remaining: 5, resetMs: 1000 }]);
  });

  test('what a Sluice server sends reads back exactly', () => {
    const info = parse({ RateLimit: '"burst";r=7;t=1, "hourly";r=950;t=2400', 'RateLimit-Policy': '"burst";q=20;w=4, "hourly";q=1000;w=3600' });
    expect(info?.policies.map((p) => [p.name, p.remaining, p.resetMs, p.quota, p.windowMs])).toEqual([
      ['burst', 7, 1000, 20, 4000],
      ['hourly', 950, 2_400_000, 1000, 3_600_000],
    ]);
  });
});

describe('draft-7 and draft-6', () => {
  test('draft-7: RateLimit as a dictionary, window from RateLimit-Policy', () => {
    expect(parse({ RateLimit: 'limit=100, remaining=50, reset=5', 'RateLimit-Policy': '100;w=60' })).toEqual({
      format: 'draft-7',
      policies: [{ name: '', remaining: 50, resetMs: 5000, quota: 100, windowMs: 60_000 }],
    });
  });

  test('draft-7 without remaining is ignored', () => {
    expect(parse({ RateLimit: 'limit=100, reset=5' })).toBeUndefined();
  });

  test('draft-6: three integer fields; a list-valued RateLimit-Limit (draft-03..05) gives its first member', () => {
    expect(parse({ 'RateLimit-Limit': '10', 'RateLimit-Remaining': '3', 'RateLimit-Reset': '7' })).toEqual({
      format: 'draft-6',
      policies: [{ name: '', remaining: 3, resetMs: 7000, quota: 10 }],
    });
    expect(parse({ 'RateLimit-Limit': '10, 10;w=1, 1000;w=3600', 'RateLimit-Remaining': '3' })?.policies).toEqual([{ name: '', remaining: 3, quota: 10 }]);
  });

  test('draft-6 with a malformed remaining is ignored', () => {
    expect(parse({ 'RateLimit-Remaining': 'three', 'RateLimit-Reset': '7' })).toBeUndefined();
    expect(parse({ 'RateLimit-Remaining': '-3' })).toBeUndefined();
  });
});

describe('X-RateLimit-*', () => {
  test.each([
    ['delay-seconds', '60', 60_000],
    ['epoch seconds (GitHub)', String(NOW / 1000 + 90), 90_000],
    ['epoch milliseconds', String(NOW + 1500), 1500],
    ['an epoch in the past', String(NOW / 1000 - 10), 0],
  ])('reset as %s', (_kind, reset, resetMs) => {
    expect(parse({ 'X-RateLimit-Limit': '5000', 'X-RateLimit-Remaining': '4999', 'X-RateLimit-Reset': reset })).toEqual({
      format: 'x-ratelimit',
      policies: [{ name: '', remaining: 4999, resetMs, quota: 5000 }],
    });
  });

  test('non-numeric values are ignored', () => {
    expect(parse({ 'X-RateLimit-Remaining': '12abc' })).toBeUndefined();
    expect(parse({ 'X-RateLimit-Remaining': '3', 'X-RateLimit-Reset': 'soon' })?.policies).toEqual([{ name: '', remaining: 3 }]);
  });
});

describe('header shapes', () => {
  test('a plain record with any case and array values (Node, got, axios)', () => {
    expect(parseRateLimit({ ratelimit: ['"a";r=1;t=1', '"b";r=2;t=2'] }, NOW)?.policies.map((p) => p.name)).toEqual(['a', 'b']);
    expect(parseRateLimit({ 'X-RateLimit-Remaining': 4 }, NOW)?.policies).toEqual([{ name: '', remaining: 4 }]);
  });

  test('draft-10 wins over older fields on the same response; no field at all gives undefined', () => {
    expect(parse({ RateLimit: '"n";r=1;t=1', 'X-RateLimit-Remaining': '9' })?.format).toBe('draft-10');
    expect(parse({ 'Content-Type': 'text/plain' })).toBeUndefined();
  });
});
