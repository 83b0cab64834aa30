/**
 * Microseconds since the epoch from a timestamptz, exactly: whole seconds and the
 * microsecond part are extracted separately, so no float rounding is involved. `date_part`
 * returns float8, which holds both parts exactly (whole seconds below 2^53; at most 6e7 µs
 * within a minute); `extract` returns numeric on PostgreSQL 14+, several times slower.
 */
export function microsSinceEpoch(timestamp: string): string {
  return (
    `(date_part('epoch', date_trunc('second', ${timestamp}))::bigint * 1000000` +
    ` + date_part('microseconds', ${timestamp})::bigint % 1000000)`
  );
}

/**
 * The database clock in µs since the epoch, read and converted once: `clock_timestamp()`
 * changes on every call, so the conversion above must not call it twice (a second boundary
 * between the two calls would be off by one second). The fence (OFFSET 0) keeps the planner
 * from inlining the conversion into every expression that uses it.
 */
export const CLOCK_MICROS = `(SELECT ${microsSinceEpoch('c.ts')} FROM (SELECT clock_timestamp() AS ts OFFSET 0) c)`;

/**
 * `$<param>` when not NULL, else one database clock reading, as a fenced one-row subquery
 * with column `now` (bigint µs): the single-statement paths select from it, and the fence
 * makes every use read the converted value instead of repeating the conversion. The clock is
 * a function scan (one call, one row): two plan nodes, where a fenced sub-select takes three.
 */
export function nowRow(param: string): string {
  return `(SELECT coalesce(${param}, ${microsSinceEpoch('c.ts')}) AS now FROM clock_timestamp() AS c(ts) OFFSET 0)`;
}
