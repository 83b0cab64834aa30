import fc from 'fast-check';

const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));

/**
 * Any UTF-16 code units (so NUL, braces, `%` and unpaired surrogates all turn up), from a fixed
 * seed: the same text on every run, so a failure names a reproducible key.
 */
function randomText(length: number, seed: number): string {
  return fc.sample(fc.string({ unit: anyCodeUnit, minLength: length, maxLength: length }), { seed, numRuns: 1 })[0]!;
}

const LONG = 'long-key-'.repeat(400);

/**
 * Client keys every store must keep apart (`[label, key]`): each is a string the limiter
 * accepts, and no two may share state. They cover what breaks real stores: bytes a driver
 * or column cannot hold (NUL for PostgreSQL text, unpaired surrogates that UTF-8 encoders
 * replace with U+FFFD), index size limits (long keys), the Redis Cluster hash tag (braces),
 * the escape character of core's own encoding (`%`), and collations that compare by case,
 * trailing space or Unicode normalization.
 */
export const KEY_SHAPES: readonly (readonly [label: string, key: string])[] = [
  ['plain', 'user:42'],
  // Case-insensitive or space-padding collations (common in SQL stores) merge these with the plain key.
  ['plain, upper case', 'USER:42'],
  ['plain, trailing space', 'user:42 '],
  // Canonically equivalent, but different strings: a store must not normalize keys.
  ['precomposed e-acute', '\u00e9'],
  ['e + combining acute accent', 'e\u0301'],
  ['10 KB of random UTF-16 text', randomText(10_240, 0x5eed)],
  ['10 KB of other random UTF-16 text', randomText(10_240, 0xbeef)],
  ['NUL alone', '\u0000'],
  ['NUL inside', 'a\u0000b'],
  ['NUL then more', 'a\u0000'],
  ['lone high surrogate U+D800', '\uD800'],
  ['lone high surrogate U+DBFF', '\uDBFF'],
  ['lone low surrogate U+DC00', '\uDC00'],
  ['U+FFFD, what UTF-8 encoders put for a lone surrogate', '\uFFFD'],
  ['reversed surrogate pair', '\uDC00\uD800'],
  ['emoji (a surrogate pair)', '🚦'],
  ['emoji with a skin-tone modifier', '👍🏽'],
  ['open brace', '{'],
  ['close brace', '}'],
  ['both braces', '{}'],
  ['braces reversed', '}{'],
  ['colon', ':'],
  ['two colons', '::'],
  ['percent-encoded open brace, spelled out', '%7B'],
  ['percent alone', '%'],
  ['percent-encoded percent, spelled out', '%25'],
  ['long key ending in a', LONG + 'a'],
  ['long key ending in b', LONG + 'b'],
  ['long key with one more character', LONG + 'ab'],
  ['a key spelling out a digest form', '%sha256:' + 'A'.repeat(43)],
  ['whitespace and control characters', ' \t\r\n\u007f'],
];
