/**
 * Microseconds since the epoch from a timestamptz, exactly: whole seconds and the
 * microsecond part are extracted separately, so no float rounding is involved on any
 * PostgreSQL version (before 14, `extract(epoch ...)` returns a double).
 */
export function microsSinceEpoch(timestamp: string): string {
  return (
    `(extract(epoch FROM date_trunc('second', ${timestamp}))::bigint * 1000000` +
    ` + extract(microseconds FROM ${timestamp})::bigint % 1000000)`
  );
}
