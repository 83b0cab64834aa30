// Golden tests: the writers reproduce the drafts' own examples.
import {
  ceilSeconds,
  draft10PolicyValue,
  draft10RateLimitValue,
  draft6PolicyValue,
  draft7PolicyValue,
  draft7RateLimitValue,
  legacyResetEpochSeconds,
  legacyResetValue,
  quotedPolicyNames,
  resetSeconds,
  retryAfterSeconds,
  sfString,
  windowSeconds,
} from '@sluice/core';

/** The drafts write list members with and without a space after the comma; RFC 9651 serialises ", ". */
const serialised = (example: string) => example.replace(/,\s*/g, ', ');

const admitted = (policy: string, remaining: number, resetAfterMs: number) => ({
  policy,
  remaining,
  allowed: true,
  resetAfterMs,
  retryAfterMs: 0,
});

describe('draft-10 (draft-ietf-httpapi-ratelimit-headers-10)', () => {
  it.each([
    // §3.2
    ['RateLimit-Policy: "default";q=100;w=10', [{ name: 'default', limit: 100, windowMs: 10_000 }]],
    [
      'RateLimit-Policy: "permin";q=50;w=60,"perhr";q=1000;w=3600',
      [
        { name: 'permin', limit: 50, windowMs: 60_000 },
        { name: 'perhr', limit: 1000, windowMs: 3_600_000 },
      ],
    ],
    // §3
    [
      'RateLimit-Policy: "burst";q=100;w=60,"daily";q=1000;w=86400',
      [
        { name: 'burst', limit: 100, windowMs: 60_000 },
        { name: 'daily', limit: 1000, windowMs: 86_400_000 },
      ],
    ],
    // Appendix B.3.2
    [
      'RateLimit-Policy: "hour";q=1000;w=3600, "day";q=5000;w=86400',
      [
        { name: 'hour', limit: 1000, windowMs: 3_600_000 },
        { name: 'day', limit: 5000, windowMs: 86_400_000 },
      ],
    ],
    // Appendix B.1.3
    ['RateLimit-Policy: "basic";q=100;w=60', [{ name: 'basic', limit: 100, windowMs: 60_000 }]],
  ])('%s', (example, policies) => {
    expect('RateLimit-Policy: ' + draft10PolicyValue(policies)).toBe(serialised(example));
  });

  it.each([
    // §4, §4.2
    ['RateLimit: "default";r=50;t=30', [admitted('default', 50, 30_000)]],
    // Appendix B.1.1
    ['RateLimit: "default";r=0;t=50', [admitted('default', 0, 50_000)]],
    // Appendix B.1.2
    ['RateLimit: "dayLimit";r=100;t=36000', [admitted('dayLimit', 100, 36_000_000)]],
    // Appendix B.1.3
    ['RateLimit: "basic";r=60;t=58', [admitted('basic', 60, 58_000)]],
    // Appendix B.2.1
    ['RateLimit: "fixedwindow";r=99;t=50', [admitted('fixedwindow', 99, 50_000)]],
    // §7
    ['RateLimit: "default";r=1;t=7', [admitted('default', 1, 7_000)]],
  ])('%s', (example, results) => {
    expect('RateLimit: ' + draft10RateLimitValue(results)).toBe(serialised(example));
  });

  it('writes the example of the Sluice design, one member per policy', () => {
    const policies = [
      { name: 'burst', limit: 20, windowMs: 4_000 },
      { name: 'hourly', limit: 1000, windowMs: 3_600_000 },
    ];
    expect(draft10PolicyValue(policies)).toBe('"burst";q=20;w=4, "hourly";q=1000;w=3600');
    const results = [admitted('burst', 7, 600), admitted('hourly', 950, 2_400_000)];
    expect(draft10RateLimitValue(results)).toBe('"burst";r=7;t=1, "hourly";r=950;t=2400');
    expect(draft10RateLimitValue(results, quotedPolicyNames(policies))).toBe('"burst";r=7;t=1, "hourly";r=950;t=2400');
  });

  it('gives a denying policy t = the wait until a same-cost retry can pass (what Retry-After carries)', () => {
    const denied = { policy: 'burst', remaining: 0, allowed: false, resetAfterMs: 4_000, retryAfterMs: 2_100 };
    expect(draft10RateLimitValue([denied])).toBe('"burst";r=0;t=3');
    expect(retryAfterSeconds(denied.retryAfterMs)).toBe(3);
  });

  it('serialises names as sf-strings', () => {
    expect(sfString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(sfString('tab\there')).toBe('"tabhere"');
  });
});

describe('draft-7 (draft-ietf-httpapi-ratelimit-headers-07)', () => {
  it('§3.5: RateLimit-Policy: 100;w=10 with RateLimit: limit=100, remaining=50, reset=5', () => {
    expect(draft7PolicyValue(100, 10_000)).toBe('100;w=10');
    expect(draft7RateLimitValue(100, 50, 5)).toBe('limit=100, remaining=50, reset=5');
  });

  it('§5: RateLimit: limit=10, remaining=1, reset=7', () => {
    expect(draft7RateLimitValue(10, 1, 7)).toBe('limit=10, remaining=1, reset=7');
  });

  it('§2.1: a quota policy of 100 quota units per minute is 100;w=60', () => {
    expect(draft7PolicyValue(100, 60_000)).toBe('100;w=60');
  });
});

describe('draft-6 (draft-ietf-httpapi-ratelimit-headers-06)', () => {
  it('RateLimit-Policy: 100;w=60 and integer RateLimit-Limit/Remaining/Reset', () => {
    expect(draft6PolicyValue(100, 60_000)).toBe('100;w=60');
    // Example "RateLimit-Limit: 5000 / RateLimit-Remaining: 100 / RateLimit-Reset: 36000":
    expect(String(resetSeconds({ allowed: true, resetAfterMs: 36_000_000, retryAfterMs: 0 }))).toBe('36000');
  });
});

describe('seconds', () => {
  it('rounds every duration up, so a client never comes back early', () => {
    expect(ceilSeconds(0)).toBe(0);
    expect(ceilSeconds(1)).toBe(1);
    expect(ceilSeconds(1000)).toBe(1);
    expect(ceilSeconds(1001)).toBe(2);
  });

  it('makes Retry-After at least 1', () => {
    expect(retryAfterSeconds(1)).toBe(1);
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
  });

  it('never writes w=0', () => {
    expect(windowSeconds(250)).toBe(1);
    expect(windowSeconds(1500)).toBe(2);
  });

  it('uses the time to full quota when a cost can never pass', () => {
    expect(resetSeconds({ allowed: false, resetAfterMs: 2500, retryAfterMs: Infinity })).toBe(3);
  });

  it('writes X-RateLimit-Reset as an epoch second no earlier than the reset', () => {
    expect(legacyResetValue(1_700_000_000_500, 30)).toBe(1_700_000_031);
    expect(legacyResetValue(1_700_000_000_000, 30)).toBe(1_700_000_030);
  });

  it('X-RateLimit-Reset stays the same epoch second within one window (the reset instant rounded once)', () => {
    // A 10 s window ending at 1_700_000_010_000, seen at three moments inside it.
    const end = 1_700_000_010_000;
    const values = [0, 500, 9_999].map((elapsed) => {
      const now = end - 10_000 + elapsed;
      return legacyResetEpochSeconds(now, { allowed: true, resetAfterMs: end - now, retryAfterMs: 0 });
    });
    expect(values).toEqual([1_700_000_010, 1_700_000_010, 1_700_000_010]);
    // Denied: the retry instant, at least 1 s away (as Retry-After).
    expect(legacyResetEpochSeconds(1_700_000_000_500, { allowed: false, resetAfterMs: 9_500, retryAfterMs: 2_000 })).toBe(1_700_000_003);
    expect(legacyResetEpochSeconds(1_700_000_000_500, { allowed: false, resetAfterMs: 9_500, retryAfterMs: 10 })).toBe(1_700_000_002);
    // Denied for good: the full reset.
    expect(legacyResetEpochSeconds(1_700_000_000_500, { allowed: false, resetAfterMs: 9_500, retryAfterMs: Infinity })).toBe(1_700_000_010);
  });
});
