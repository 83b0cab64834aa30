import fc from 'fast-check';
import { baseKey, DIGEST_KEY_MARKER, encodeClientKey, MAX_CLIENT_KEY_LENGTH } from '@sluice/core';

/** The inverse of the escaping, written independently: proves no information is lost. */
function unescapeKey(encoded: string): string {
  return encoded.replace(/%(25|7B|7D|00|u[0-9A-F]{4})/g, (_, code: string) => {
    if (code === '25') return '%';
    if (code === '7B') return '{';
    if (code === '7D') return '}';
    if (code === '00') return '\0';
    return String.fromCharCode(parseInt(code.slice(1), 16));
  });
}

// Code units that matter, mixed with any code unit at all (so unpaired surrogates, NUL and pairs turn up).
const tricky = fc.constantFrom('%', '{', '}', '\0', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '🚦', 's', 'u', '2', '5', '7', 'B', 'D', ':', 'a');
const anyUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const unit = fc.oneof(tricky, anyUnit);
const shortKey = fc.string({ unit, minLength: 1, maxLength: 60 });
const anyKey = fc.oneof(shortKey, fc.string({ unit, minLength: 150, maxLength: 400 }));

describe('encodeClientKey', () => {
  test('returns a short key with nothing to escape unchanged (the same string)', () => {
    for (const key of ['127.0.0.1', 'user:42', '2001:db8::/64', 'POST /login 10.0.0.1', '🚦👍🏽', 'x'.repeat(MAX_CLIENT_KEY_LENGTH)]) {
      expect(encodeClientKey(key)).toBe(key);
    }
  });

  test.each([
    ['{', '%7B'],
    ['}', '%7D'],
    ['%', '%25'],
    ['%7B', '%257B'],
    ['a\0b', 'a%00b'],
    ['\uD800', '%uD800'],
    ['\uDBFF', '%uDBFF'],
    ['\uDC00\uD800', '%uDC00%uD800'],
    ['x\uD83D', 'x%uD83D'],
    ['🚦{', '🚦%7B'],
  ])('escapes %j as %j', (key, expected) => {
    expect(encodeClientKey(key)).toBe(expected);
  });

  test('is lossless: an escaped key unescapes to the original, for any UTF-16 string', () => {
    fc.assert(
      fc.property(shortKey, (key) => {
        const encoded = encodeClientKey(key);
        if (encoded.startsWith(DIGEST_KEY_MARKER)) return;
        expect(unescapeKey(encoded)).toBe(key);
      }),
      { numRuns: 2000 },
    );
  });

  test('never collides: distinct keys give distinct encodings, short or digested', () => {
    fc.assert(
      fc.property(anyKey, anyKey, (a, b) => {
        fc.pre(a !== b);
        expect(encodeClientKey(a)).not.toBe(encodeClientKey(b));
      }),
      { numRuns: 2000 },
    );
  });

  test('gives well-formed text without braces or NUL, never longer than the bound', () => {
    fc.assert(
      fc.property(anyKey, (key) => {
        const encoded = encodeClientKey(key);
        // Unicode mode: the surrogate range matches only unpaired surrogates.
        expect(encoded).not.toMatch(/[{}\0\uD800-\uDFFF]/u);
        expect(encoded.length).toBeLessThanOrEqual(MAX_CLIENT_KEY_LENGTH);
      }),
      { numRuns: 1000 },
    );
  });

  test('digests a key whose escaped form is too long, whole (keys differing only in the last character stay apart)', () => {
    const long = 'k'.repeat(5000);
    const a = encodeClientKey(long + 'a');
    const b = encodeClientKey(long + 'b');
    expect(a).toMatch(/^%sha256:[A-Za-z0-9_-]{43}$/);
    expect(b).toMatch(/^%sha256:[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    // The bound applies to the escaped form: 100 braces escape to 300 characters.
    expect(encodeClientKey('{'.repeat(100))).toMatch(/^%sha256:/);
    expect(encodeClientKey('x'.repeat(MAX_CLIENT_KEY_LENGTH + 1))).toMatch(/^%sha256:/);
    // Unpaired surrogates are escaped before hashing, so UTF-8 cannot merge two long keys.
    expect(encodeClientKey(long + '\uD800')).not.toBe(encodeClientKey(long + '\uDBFF'));
  });

  test('a raw key spelling out a digest form is escaped, never taken for one', () => {
    const digested = encodeClientKey('z'.repeat(1000));
    expect(digested.startsWith(DIGEST_KEY_MARKER)).toBe(true);
    expect(encodeClientKey(digested)).toBe('%25' + digested.slice(1));
    fc.assert(
      fc.property(shortKey, (key) => {
        const encoded = encodeClientKey(key);
        if (!encoded.startsWith(DIGEST_KEY_MARKER)) expect(encoded).not.toContain('%s');
      }),
      { numRuns: 1000 },
    );
  });

  test('baseKey wraps the encoded key in one hash tag', () => {
    expect(baseKey('api', 'user:42')).toBe('api:{user:42}');
    expect(baseKey('api', '}{')).toBe('api:{%7D%7B}');
  });
});
