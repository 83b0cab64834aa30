import { InvalidOptionError } from '@sluice/core';

/**
 * Base keys PostgreSQL cannot store as given are refused here, loudly, instead of failing on
 * the server (a StoreError the limiter would absorb, failing open) or, worse, being silently
 * merged: `text` cannot hold NUL, pg encodes an unpaired surrogate as U+FFFD (so `\uD800` and
 * `\uDC00` would share a row), and a btree entry holds at most 2704 bytes. Core's
 * `encodeClientKey` already makes any client key safe; what can still reach this is a base key
 * built by hand or a prefix holding such characters.
 */

/** Bytes of key (UTF-8) a state row may have; with `:<policyId>` it stays below btree's 2704. */
export const MAX_KEY_BYTES = 2_400;

// UTF-8 takes at most 3 bytes per UTF-16 code unit, so a key this short cannot be too long.
const SHORT_KEY_UNITS = Math.floor(MAX_KEY_BYTES / 3);

/** Any character needing a closer look: NUL or a surrogate (paired ones are fine). */
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function assertStorableKey(key: string): void {
  if (key.length > SHORT_KEY_UNITS && Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) {
    throw new InvalidOptionError('key', key.slice(0, 40) + '…', `a key of at most ${MAX_KEY_BYTES} bytes (UTF-8) for PostgresStore`);
  }
  if (!SUSPECT.test(key)) return;
  if (key.includes('\u0000') || LONE_SURROGATE.test(key)) {
    throw new InvalidOptionError(
      'key',
      key,
      'a key without NUL or unpaired surrogates (PostgreSQL text cannot hold them; core encodes client keys, so check the prefix)',
    );
  }
}
