import { CLOCK_MICROS } from './clock.js';
import type { ObjectNames } from './names.js';

/**
 * Deletes up to `p_max_rows` expired rows and returns how many. SKIP LOCKED: a row a
 * decision holds is left for a later run, so cleanup never makes a decision wait (and the
 * rows it locks itself are held only for this one short statement). Rows are expired when
 * `expires_at <= now`: from then on the state reads exactly like no state at all.
 */
export function sweepFunctionSql(names: ObjectNames): string {
  const table = names.qualifiedTable;
  return `CREATE OR REPLACE FUNCTION ${names.qualifiedSweep}(p_max_rows int DEFAULT 500, p_now bigint DEFAULT NULL)
RETURNS int
LANGUAGE sql VOLATILE
AS $sweep$
  WITH gone AS (
    DELETE FROM ${table}
     WHERE ctid = ANY (ARRAY(
       SELECT ctid FROM ${table}
        WHERE expires_at <= coalesce(p_now, ${CLOCK_MICROS})
        ORDER BY expires_at
        LIMIT p_max_rows
        FOR UPDATE SKIP LOCKED))
    RETURNING 1)
  SELECT count(*)::int FROM gone;
$sweep$;`;
}
