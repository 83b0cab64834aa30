// Route-scoped keys (`keys.ip({ route: true })`) must not split when a client respells a path
// in a way the router ignores; otherwise `/LOGIN` would get a fresh bucket next to `/login`.
import { hexDigit } from './ipv6.js';

/**
 * How the app's router compares paths. Each adapter reads it from the framework (Express
 * `'case sensitive routing'` / `'strict routing'`, Fastify `caseSensitive` / `ignoreTrailingSlash`,
 * @koa/router defaults); pass it to `keys.ip({ route: { ... } })` to override.
 */
export interface RouteMatching {
  /** `/Login` and `/login` are different routes. Express and @koa/router default: false; Fastify: true. */
  caseSensitive?: boolean;
  /** `/login/` and `/login` are different routes. Express and @koa/router default: false; Fastify: true. */
  strict?: boolean;
}

const SLASH = 47;
const PERCENT = 37;

/** RFC 3986 §2.3 unreserved: ALPHA / DIGIT / "-" / "." / "_" / "~". */
function isUnreserved(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 45 || code === 46 || code === 95 || code === 126
  );
}

/** True when `path` may need rewriting; most paths need none and are returned as they are. */
function needsWork(path: string, end: number, caseSensitive: boolean, strict: boolean): boolean {
  if (end !== path.length) return true;
  if (!strict && end > 1 && path.charCodeAt(end - 1) === SLASH) return true;
  let previous = 0;
  for (let i = 0; i < end; i++) {
    const code = path.charCodeAt(i);
    if (code === PERCENT || (code === SLASH && previous === SLASH)) return true;
    if (!caseSensitive && code >= 65 && code <= 90) return true;
    previous = code;
  }
  return false;
}

/**
 * A request path (its query string, if any, dropped) in the one form every spelling the router
 * treats alike shares:
 * - `%XX` escapes of unreserved characters decoded and other escapes' hex digits upper-cased
 *   (RFC 3986 §6.2.2.1 and §6.2.2.2: these spellings are the same URI);
 * - runs of `/` merged into one (Fastify's `ignoreDuplicateSlashes`; routers that do not merge
 *   them answer 404, so sharing that bucket never lets a request through);
 * - unless `strict`, one trailing slash dropped (`/` itself stays);
 * - unless `caseSensitive`, lower-cased.
 * Dot segments (`/./login`) are kept: none of the supported routers resolve them.
 */
export function normalizeRoutePath(path: string, caseSensitive: boolean, strict: boolean): string {
  let end = path.indexOf('?');
  if (end === -1) end = path.length;
  if (!needsWork(path, end, caseSensitive, strict)) return path;
  let out = '';
  for (let i = 0; i < end; i++) {
    const code = path.charCodeAt(i);
    if (code === PERCENT && i + 2 < end) {
      const high = hexDigit(path.charCodeAt(i + 1));
      const low = hexDigit(path.charCodeAt(i + 2));
      if (high >= 0 && low >= 0) {
        const byte = high * 16 + low;
        out += isUnreserved(byte) ? String.fromCharCode(byte) : '%' + path.slice(i + 1, i + 3).toUpperCase();
        i += 2;
        continue;
      }
    }
    if (code === SLASH && out.charCodeAt(out.length - 1) === SLASH) continue;
    out += path[i];
  }
  if (!strict && out.length > 1 && out.charCodeAt(out.length - 1) === SLASH) out = out.slice(0, -1);
  return caseSensitive ? out : out.toLowerCase();
}
