/** xorshift32: the same "random" text on every run, so a failure names a reproducible key. */
function randomText(length: number, seed: number): string {
  let state = seed >>> 0 || 1;
  const units = new Array<number>(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    // Any UTF-16 code unit: NUL, braces, `%`, and unpaired surrogates all turn up.
    units[i] = state & 0xffff;
  }
  let text = '';
  for (let i = 0; i < length; i += 4096) text += String.fromCharCode(...units.slice(i, i + 4096));
  return text;
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
