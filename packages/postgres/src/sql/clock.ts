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

/**
 * The database clock in µs since the epoch, read once: `clock_timestamp()` changes on every
 * call, so the conversion above must not call it twice (a second boundary between the two
 * calls would be off by one second). The fence (OFFSET 0) keeps the planner from inlining it.
 */
export const CLOCK_MICROS = `(SELECT ${microsSinceEpoch('c.ts')} FROM (SELECT clock_timestamp() AS ts OFFSET 0) c)`;
