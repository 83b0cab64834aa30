// Whether a request may be sent again.

/** RFC 9110 section 9.2.2: the idempotent methods, retried by default. */
export const IDEMPOTENT_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE'];

/**
 * True when `body` (a fetch `init.body`) can be sent again as it is: absent, a string, bytes,
 * Blob, FormData or URLSearchParams. A stream (web ReadableStream, Node Readable, any async
 * iterable) is read once by the first attempt, so it is never retried.
 */
export function isReplayableBody(body: unknown): boolean {
  if (body === undefined || body === null) return true;
  if (typeof body === 'string') return true;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return true;
  if (typeof Blob !== 'undefined' && body instanceof Blob) return true;
  if (typeof FormData !== 'undefined' && body instanceof FormData) return true;
  if (body instanceof URLSearchParams) return true;
  return false;
}
