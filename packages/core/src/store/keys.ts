import { createHash } from 'node:crypto';

/**
 * Longest encoded client key kept as is, in UTF-16 code units (at most 600 UTF-8 bytes).
 * Longer ones become a digest: PostgreSQL's btree refuses index rows over 2,704 bytes, and
 * long Redis keys cost memory on every policy.
 */
export const MAX_CLIENT_KEY_LENGTH = 200;

/**
 * Starts every digested key. An encoded raw key never contains `%s` (a raw `%` is always
 * written `%25`, and the other escapes are `%7B`, `%7D`, `%00`, `%uXXXX`), so no raw key,
 * however spelled, can encode to a digest form.
 */
export const DIGEST_KEY_MARKER = '%sha256:';

// Unicode mode: a surrogate range matches only unpaired surrogates, so emoji keys stay as they are.
const NEEDS_ESCAPE = /[\0%{}\uD800-\uDFFF]/u;

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** Percent-escapes `%`, `{`, `}`, NUL and unpaired surrogates; everything else is kept. */
function escapeKey(key: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    let escaped: string;
    if (code === 0x25) escaped = '%25';
    else if (code === 0x7b) escaped = '%7B';
    else if (code === 0x7d) escaped = '%7D';
    else if (code === 0) escaped = '%00';
    else if (code >= 0xd800 && code <= 0xdfff) {
      const next = key.charCodeAt(i + 1);
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // a well-formed pair: keep both units
        continue;
      }
      escaped = '%u' + hex4(code);
    } else continue;
    out += key.slice(start, i) + escaped;
    start = i + 1;
  }
  return out + key.slice(start);
}

/**
 * Makes a client key safe and lossless on every store: distinct client keys always give
 * distinct results (no collisions), and the result is well-formed UTF-16 without `{`, `}`
 * or NUL, at most {@link MAX_CLIENT_KEY_LENGTH} code units long.
 *
 * - `%`, `{`, `}` (the Redis Cluster hash tag), NUL (PostgreSQL text refuses it) and
 *   unpaired surrogates (UTF-8 drivers turn each into U+FFFD, merging distinct keys) are
 *   percent-escaped: `%25`, `%7B`, `%7D`, `%00`, `%uD800`.
 * - An escaped key longer than {@link MAX_CLIENT_KEY_LENGTH} is replaced by
 *   `%sha256:` + the base64url SHA-256 (FIPS 180-4) of its UTF-8 bytes: 51 characters, never
 *   truncated, and never equal to an escaped raw key (see {@link DIGEST_KEY_MARKER}).
 *
 * A short key with nothing to escape (the common case) is returned as is, after one scan.
 */
export function encodeClientKey(clientKey: string): string {
  if (clientKey.length <= MAX_CLIENT_KEY_LENGTH && !NEEDS_ESCAPE.test(clientKey)) return clientKey;
  const escaped = escapeKey(clientKey);
  if (escaped.length <= MAX_CLIENT_KEY_LENGTH) return escaped;
  // Hashing the escaped form (well-formed, so its UTF-8 is lossless) keeps unpaired surrogates apart.
  return DIGEST_KEY_MARKER + createHash('sha256').update(escaped, 'utf8').digest('base64url');
}

/** The base key a store receives: `<prefix>:{<encoded client key>}`; stores append `:<policy.id>`. */
export function baseKey(prefix: string, clientKey: string): string {
  return prefix + ':{' + encodeClientKey(clientKey) + '}';
}

/** One policy's state key: `<base key>:<policy.id>` (`<prefix>:{<encoded client key>}:<policy id>`). */
export function policyKey(base: string, policyId: string): string {
  return base + ':' + policyId;
}
