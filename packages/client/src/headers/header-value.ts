/**
 * Response headers in any of the shapes clients hand around: a fetch `Headers`, an object
 * with `get(name)` (axios' AxiosHeaders), or a plain record (Node's IncomingHttpHeaders, got),
 * whose names may be in any case and whose values may be arrays or numbers.
 */
export type HeadersLike =
  | {
      /** The field's value by name (case-insensitive); null or undefined when absent. */
      get(name: string): string | null | undefined | unknown;
    }
  | Readonly<Record<string, string | readonly string[] | number | undefined | null>>;

/**
 * One field's value, or undefined when absent. Several field lines of one name are joined
 * with ", " (RFC 9110 section 5.3), which is also how Structured Field lists continue.
 */
export function headerValue(headers: HeadersLike, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    const value = (headers as { get(name: string): unknown }).get(name);
    return fieldString(value);
  }
  const record = headers as Record<string, unknown>;
  const lower = name.toLowerCase();
  if (lower in record) return fieldString(record[lower]);
  for (const key of Object.keys(record)) {
    if (key.toLowerCase() === lower) return fieldString(record[key]);
  }
  return undefined;
}

function fieldString(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) return value.length === 0 ? undefined : value.map(String).join(', ');
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return undefined;
}
