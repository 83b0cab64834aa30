import { DIGEST_KEY_MARKER, encodeClientKey, MAX_CLIENT_KEY_LENGTH } from './keys.js';

// How a memory table holds a client key. Memory holds any JS string, so most keys are kept
// exactly as given and the hot path spends O(1) deciding so; only long keys (bounded memory per
// key) and keys starting with `%` go through encodeClientKey. Every encoded id starts with `%`
// and no key kept as given does, so distinct client keys always get distinct ids.

/** The table id of a client key as the caller gave it (the bound limiter's path). */
export function memoryIdOf(clientKey: string): string {
  return clientKey.length > MAX_CLIENT_KEY_LENGTH || clientKey.charCodeAt(0) === 0x25 ? encodeClientKey(clientKey) : clientKey;
}

/** Marks an id from an encoded key that encodeClientKey cannot have made (never `%!` otherwise). */
const NON_CANONICAL = '%!';

/**
 * The same id from the encoded client key inside a base key (`consume` called directly), so
 * both paths share one state. An encoded form encodeClientKey would not produce (a direct
 * caller's own spelling) keeps an id of its own.
 */
export function memoryIdOfEncoded(encoded: string): string {
  if (encoded.indexOf('%') < 0) return encoded.length > MAX_CLIENT_KEY_LENGTH ? NON_CANONICAL + encoded : encoded;
  if (encoded.startsWith(DIGEST_KEY_MARKER)) return encoded;
  const raw = unescapeKey(encoded);
  return raw !== undefined && encodeClientKey(raw) === encoded ? memoryIdOf(raw) : NON_CANONICAL + encoded;
}

const ESCAPE = /%(?:25|7B|7D|00|u([0-9A-F]{4}))/gy;

/** Undoes encodeClientKey's escapes; undefined for a `%` that starts none of them. */
function unescapeKey(encoded: string): string | undefined {
  let out = '';
  let start = 0;
  for (let at = encoded.indexOf('%'); at >= 0; at = encoded.indexOf('%', start)) {
    ESCAPE.lastIndex = at;
    const match = ESCAPE.exec(encoded);
    if (match === null) return undefined;
    const code = match[1] !== undefined ? parseInt(match[1], 16) : parseInt(match[0].slice(1), 16);
    out += encoded.slice(start, at) + String.fromCharCode(code);
    start = at + match[0].length;
  }
  return out + encoded.slice(start);
}
