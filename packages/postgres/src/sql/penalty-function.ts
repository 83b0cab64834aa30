import { MODE_CODES, RESULT_FIELDS } from '@sluice/core';
import { CLOCK_MICROS } from './clock.js';
import { expiryFromAny } from './expiry.js';
import type { ObjectNames } from './names.js';

/**
 * The decision function for a request whose policies include a penalty: the SQL twin of core's
 * store/decide-penalty.ts, one call (one statement) around the decision function:
 *
 * - consume/refund lock the penalty's row first (SELECT ... FOR UPDATE, or a placeholder
 *   claimed with ON CONFLICT DO NOTHING, as the decision function does). Every request of a
 *   limiter with a penalty takes this lock first, so they never wait on each other in a cycle.
 * - The clock is read once that lock is held (or `p_now` taken): a blocked consume asks the
 *   decision function for a peek of the others (no locks, nothing written); otherwise it decides
 *   the others as usual, on its own clock reading after their locks.
 * - A consume the others deny is a strike, the one write a denied consume makes: the penalty row
 *   only. Its time is read after the others decided. Otherwise the placeholder goes again.
 *
 * Row columns: time_us = blocked until (µs, 0: never), units = escalation level, stamps = strike
 * times (oldest first), expires_at = when all of it stops mattering (rounded up like every row).
 * Returns the others' figures as the decision function does (lock order of p_ids), then the
 * penalty's RESULT_FIELDS figures. `p_lease` goes to the decision function (concurrency policies).
 */
/** The SQL argument types of the penalty function before version 6 (no p_lease), for its DROP. */
export const PENALTY_FUNCTION_V4_ARGS = 'text, text, bigint, bigint, bigint, bigint[], text[], smallint[], bigint[], bigint[], bigint[], bigint, smallint, bigint';

export function penaltyFunctionSql(names: ObjectNames): string {
  const table = names.qualifiedTable;
  return `CREATE OR REPLACE FUNCTION ${names.qualifiedDecidePenalty}(
  p_base text,               -- '<prefix>:{<clientKey>}'
  p_penalty_id text,         -- the penalty's policy id: its row is p_base || ':' || p_penalty_id
  p_after bigint,            -- strikes that block
  p_within bigint,           -- us a strike counts
  p_memory bigint,           -- us the escalation level is remembered after a block ends
  p_steps bigint[],          -- block durations in us, one per escalation step
  p_ids text[],              -- the other policies, as for the decision function
  p_algorithms smallint[],
  p_limits bigint[],
  p_spans bigint[],
  p_window_ms bigint[],
  p_cost bigint,
  p_mode smallint,
  p_now bigint,              -- us since the epoch; NULL: the database clock
  p_lease text DEFAULT NULL  -- the request's lease id, for concurrency policies among the others
) RETURNS float8[]
LANGUAGE plpgsql VOLATILE
AS $penalty$
DECLARE
  MODE_CONSUME CONSTANT smallint := ${MODE_CODES.consume};
  MODE_PEEK CONSTANT smallint := ${MODE_CODES.peek};
  RESULT_FIELDS CONSTANT int := ${RESULT_FIELDS};
  v_key text := p_base || ':' || p_penalty_id;
  v_row ${table};
  v_fresh boolean := false;
  v_attempts int := 0;
  v_now bigint;
  v_left bigint := 0;
  v_blocked boolean;
  v_others float8[] := '{}';
  v_denied boolean := false;
  v_strikes bigint[] := '{}';
  v_live bigint[] := '{}';
  v_blocked_until bigint := 0;
  v_level bigint := 0;
  v_block bigint;
  v_expires bigint;
  v_allowed int := 1;
  v_remaining bigint := 0;
  v_reset bigint := 0;
  v_retry bigint := 0;
  v_strike boolean := false;
  i int;
BEGIN
  IF p_mode = MODE_PEEK THEN
    SELECT t.* INTO v_row FROM ${table} t WHERE t.key = v_key;
  ELSE
    LOOP
      SELECT t.* INTO v_row FROM ${table} t WHERE t.key = v_key FOR UPDATE;
      EXIT WHEN FOUND;
      INSERT INTO ${table} (key, expires_at) VALUES (v_key, 0) ON CONFLICT (key) DO NOTHING;
      IF FOUND THEN
        v_fresh := true;
        EXIT;
      END IF;
      v_attempts := v_attempts + 1;
      IF v_attempts >= 100 THEN
        RAISE EXCEPTION 'sluice: could not lock state row % after % attempts', v_key, v_attempts;
      END IF;
    END LOOP;
  END IF;
  IF v_row.key IS NOT NULL AND NOT v_fresh THEN
    v_blocked_until := coalesce(v_row.time_us, 0);
    v_level := coalesce(v_row.units, 0);
    v_strikes := coalesce(v_row.stamps, '{}');
  END IF;

  v_now := coalesce(p_now, ${CLOCK_MICROS});
  IF v_blocked_until > v_now THEN v_left := v_blocked_until - v_now; END IF;
  v_blocked := p_mode = MODE_CONSUME AND v_left > 0;

  IF cardinality(p_ids) > 0 THEN
    v_others := ${names.qualifiedDecide}(p_base, p_ids, p_algorithms, p_limits, p_spans, p_window_ms, p_cost,
                  CASE WHEN v_blocked THEN MODE_PEEK ELSE p_mode END, CASE WHEN v_blocked THEN v_now ELSE p_now END, p_lease);
  END IF;
  IF p_mode = MODE_CONSUME AND NOT v_blocked THEN
    FOR i IN 1..cardinality(p_ids) LOOP
      IF v_others[RESULT_FIELDS * (i - 1) + 1] = 0 THEN v_denied := true; END IF;
    END LOOP;
  END IF;

  IF v_left > 0 THEN
    -- blocked: consume and peek are denied with the time left; a refund still reaches the others
    v_reset := v_left;
    IF p_mode = MODE_CONSUME OR p_mode = MODE_PEEK THEN
      v_allowed := 0;
      v_retry := v_left;
    END IF;
  ELSE
    IF v_denied AND p_now IS NULL THEN
      v_now := ${CLOCK_MICROS};  -- the strike's time: after the others decided
    END IF;
    SELECT coalesce(array_agg(s ORDER BY o), '{}') INTO v_live
      FROM unnest(v_strikes) WITH ORDINALITY AS u(s, o) WHERE s + p_within > v_now;
    IF NOT v_denied THEN
      v_remaining := p_after - cardinality(v_live);
      IF cardinality(v_live) > 0 THEN v_reset := v_live[cardinality(v_live)] + p_within - v_now; END IF;
    ELSE
      v_strike := true;
      -- the escalation level survives while the last block ended less than the memory ago
      IF NOT (v_level > 0 AND v_blocked_until + p_memory > v_now) THEN
        v_level := 0;
        v_blocked_until := 0;
      END IF;
      v_live := v_live || v_now;
      IF cardinality(v_live) < p_after THEN
        v_remaining := p_after - cardinality(v_live);
        v_reset := p_within;
      ELSE
        v_block := p_steps[least(v_level + 1, cardinality(p_steps))];
        v_blocked_until := v_now + v_block;
        v_level := v_level + 1;
        v_live := '{}';
        v_allowed := 0;
        v_reset := v_block;
        v_retry := v_block;
      END IF;
    END IF;
  END IF;

  IF v_strike THEN
    v_expires := CASE WHEN cardinality(v_live) > 0 THEN v_live[cardinality(v_live)] + p_within ELSE 0 END;
    IF v_level > 0 AND v_blocked_until + p_memory > v_expires THEN v_expires := v_blocked_until + p_memory; END IF;
    UPDATE ${table} t
       SET time_us = v_blocked_until, units = v_level, previous_units = NULL, stamps = v_live,
           expires_at = ${expiryFromAny('v_expires')}
     WHERE t.key = v_key;
  ELSIF v_fresh THEN
    DELETE FROM ${table} t WHERE t.key = v_key;
  END IF;
  RETURN v_others || ARRAY[v_allowed, v_remaining, v_reset, v_retry, 0]::float8[];
END
$penalty$;`;
}
