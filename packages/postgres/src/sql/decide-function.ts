import { ALGORITHM_CODES, MODE_CODES, NEVER, RESULT_FIELDS } from '@sluice/core';
import { CLOCK_MICROS } from './clock.js';
import { expiryFromAny } from './expiry.js';
import type { ObjectNames } from './names.js';

/**
 * The decision function: the SQL twin of core's `decide` and reference algorithms
 * (packages/core/src/algorithms). One call evaluates every policy of a request:
 *
 * - consume/refund lock each state row with SELECT ... FOR UPDATE, in the (sorted) order of
 *   the policy ids, so two requests never wait on each other in a cycle. A missing row is
 *   claimed by inserting a placeholder (ON CONFLICT DO NOTHING); losing that race to a
 *   concurrent first insert means waiting for it, then locking the row it wrote.
 * - The clock is read after every lock is held, so a request that waited for a row never
 *   decides with a time earlier than the one its predecessor wrote.
 * - All-or-nothing: rows are written only when the request commits (refund, or a consume
 *   every policy admits); otherwise placeholders are deleted again and nothing changes.
 * - peek takes no locks and reads all rows in one statement (one snapshot).
 *
 * Times are bigint microseconds. Returns RESULT_FIELDS figures per policy, in the order of
 * p_ids: allowed (1/0), remaining, resetAfterUs, retryAfterUs (NEVER), delayUs.
 * Algorithm and mode codes are PL/pgSQL constants generated from core's ALGORITHM_CODES and
 * MODE_CODES, under the names TypeScript and Lua use (docs/glossary.md).
 */
export function decideFunctionSql(names: ObjectNames): string {
  const table = names.qualifiedTable;
  return `CREATE OR REPLACE FUNCTION ${names.qualifiedDecide}(
  p_base text,               -- '<prefix>:{<clientKey>}'; a state key is p_base || ':' || policy id
  p_ids text[],              -- policy ids, sorted: rows are locked in this order
  p_algorithms smallint[],   -- ALGORITHM_CODES (constants below)
  p_limits bigint[],         -- window limit, or bucket capacity
  p_spans bigint[],          -- window length in us, or bucket interval in us per unit of cost
  p_window_ms bigint[],      -- window length in ms (sliding-window weights); 0 for buckets
  p_cost bigint,
  p_mode smallint,           -- MODE_CODES (constants below)
  p_now bigint,              -- us since the epoch; NULL: the database clock
  p_lease text DEFAULT NULL  -- the request's lease id (concurrency policies); NULL: none
) RETURNS float8[]
LANGUAGE plpgsql VOLATILE
AS $decide$
DECLARE
  FIXED_WINDOW CONSTANT smallint := ${ALGORITHM_CODES['fixed-window']};
  SLIDING_WINDOW CONSTANT smallint := ${ALGORITHM_CODES['sliding-window']};
  SLIDING_LOG CONSTANT smallint := ${ALGORITHM_CODES['sliding-log']};
  TOKEN_BUCKET CONSTANT smallint := ${ALGORITHM_CODES['token-bucket']};
  LEAKY_BUCKET CONSTANT smallint := ${ALGORITHM_CODES['leaky-bucket']};
  CONCURRENCY CONSTANT smallint := ${ALGORITHM_CODES.concurrency};
  MODE_CONSUME CONSTANT smallint := ${MODE_CODES.consume};
  MODE_PEEK CONSTANT smallint := ${MODE_CODES.peek};
  MODE_REFUND CONSTANT smallint := ${MODE_CODES.refund};
  MODE_RELEASE CONSTANT smallint := ${MODE_CODES.release};
  MODE_RENEW CONSTANT smallint := ${MODE_CODES.renew};
  NEVER CONSTANT bigint := ${NEVER};
  RESULT_FIELDS CONSTANT int := ${RESULT_FIELDS};
  v_count int := cardinality(p_ids);
  v_keys text[] := '{}';
  v_rows ${table}[] := '{}';      -- the state rows as read (locked), NULL where there is none
  v_fresh boolean[] := '{}';      -- true where this call inserted a placeholder row
  -- per policy, the state to write if the request commits; key NULL: delete the row
  v_nexts ${table}[] := '{}';
  v_results float8[] := '{}';
  v_uncharged bigint[] := '{}';   -- remaining and resetAfter as a peek would report them
  v_row ${table};
  v_now bigint;
  v_all_allowed boolean := true;
  v_attempts int;
  i int;
  -- one policy's inputs
  v_algorithm smallint;
  v_has boolean;
  v_limit bigint;
  v_span bigint;
  v_window_ms bigint;
  v_cost bigint := p_cost;
  -- one policy's verdict
  v_allowed boolean;
  v_remaining bigint;
  v_reset bigint;
  v_retry bigint;
  v_delay bigint;
  v_peek_remaining bigint;
  v_peek_reset bigint;
  v_keep boolean;
  v_time bigint;
  v_units bigint;
  v_previous bigint;
  v_stamps bigint[];
  v_expires bigint;
  -- scratch
  v_live boolean;
  v_start bigint;
  v_used bigint;
  v_current bigint;
  v_weight bigint;
  v_free bigint;
  v_room bigint;
  v_elapsed bigint;
  v_log bigint[];
  v_length int;
  v_expired int;
  v_low int;
  v_high int;
  v_middle int;
  v_newest bigint;
  v_dropped bigint;
  v_full bigint;
  v_base bigint;
  v_tat bigint;
  v_x bigint;
  -- the concurrency limit (leases)
  v_mode smallint;                -- p_mode, or MODE_PEEK for a rate policy under a lease operation
  v_lease_ids text[];
  v_own bigint;
  v_latest bigint;
  v_held bigint;
  v_skip boolean;
  v_drop_own boolean;
  v_renew_own boolean;
BEGIN
  FOR i IN 1..v_count LOOP
    v_keys[i] := p_base || ':' || p_ids[i];
    v_fresh[i] := false;
  END LOOP;

  IF p_mode = MODE_PEEK THEN
    SELECT array_agg(t ORDER BY k.ord) INTO v_rows
      FROM unnest(v_keys) WITH ORDINALITY AS k(key, ord)
      LEFT JOIN ${table} t ON t.key = k.key;
  ELSE
    FOR i IN 1..v_count LOOP
      IF i > 1 AND v_keys[i] = v_keys[i - 1] THEN
        v_rows[i] := v_rows[i - 1];
        CONTINUE;
      END IF;
      v_attempts := 0;
      LOOP
        SELECT t.* INTO v_row FROM ${table} t WHERE t.key = v_keys[i] FOR UPDATE;
        IF FOUND THEN
          v_rows[i] := v_row;
          EXIT;
        END IF;
        -- No row: claim the key. If a concurrent first request holds it, this waits for that
        -- request to finish and inserts nothing; the next SELECT then locks the row it wrote.
        INSERT INTO ${table} (key, expires_at) VALUES (v_keys[i], 0) ON CONFLICT (key) DO NOTHING;
        IF FOUND THEN
          v_rows[i] := NULL;
          v_fresh[i] := true;
          EXIT;
        END IF;
        v_attempts := v_attempts + 1;
        IF v_attempts >= 100 THEN
          RAISE EXCEPTION 'sluice: could not lock state row % after % attempts', v_keys[i], v_attempts;
        END IF;
      END LOOP;
    END LOOP;
  END IF;

  IF p_now IS NULL THEN
    v_now := ${CLOCK_MICROS};
  ELSE
    v_now := p_now;
  END IF;

  FOR i IN 1..v_count LOOP
    v_row := v_rows[i];
    v_has := v_row.key IS NOT NULL;
    v_algorithm := p_algorithms[i];
    v_limit := p_limits[i];
    v_span := p_spans[i];
    v_window_ms := p_window_ms[i];
    v_retry := 0;
    v_delay := 0;
    v_keep := false;
    v_time := NULL;
    v_units := NULL;
    v_previous := NULL;
    v_stamps := NULL;
    v_expires := NULL;
    v_lease_ids := NULL;
    -- A lease operation (release, renew) is a peek for the rate policies: it never charges them.
    v_mode := CASE WHEN p_mode IN (MODE_RELEASE, MODE_RENEW) AND v_algorithm <> CONCURRENCY THEN MODE_PEEK ELSE p_mode END;

    IF v_algorithm = FIXED_WINDOW THEN
      -- fixed window: the window starts with the first request after the last one ended
      v_live := v_has AND v_now < v_row.time_us + v_span;
      v_start := CASE WHEN v_live THEN v_row.time_us ELSE v_now END;
      v_used := CASE WHEN v_live THEN v_row.units ELSE 0 END;
      v_peek_remaining := v_limit - v_used;
      v_peek_reset := CASE WHEN v_used = 0 THEN 0 ELSE v_start + v_span - v_now END;
      IF v_mode = MODE_REFUND THEN
        v_used := greatest(0, v_used - v_cost);
        v_allowed := true;
        v_remaining := v_limit - v_used;
        v_reset := CASE WHEN v_used = 0 THEN 0 ELSE v_start + v_span - v_now END;
        v_keep := v_live;
      ELSE
        v_allowed := v_cost <= v_limit - v_used;
        IF v_mode = MODE_PEEK OR NOT v_allowed THEN
          v_remaining := v_peek_remaining;
          v_reset := v_peek_reset;
          v_retry := CASE WHEN v_allowed THEN 0 WHEN v_cost > v_limit THEN NEVER ELSE v_start + v_span - v_now END;
        ELSE
          v_used := v_used + v_cost;
          v_remaining := v_limit - v_used;
          v_reset := v_start + v_span - v_now;
          v_keep := true;
        END IF;
      END IF;
      v_time := v_start;
      v_units := v_used;
      v_expires := v_start + v_span;

    ELSIF v_algorithm = SLIDING_WINDOW THEN
      -- sliding window: aligned windows, the previous one weighted in whole milliseconds
      v_start := v_now - (((v_now % v_span) + v_span) % v_span);
      v_current := 0;
      v_previous := 0;
      IF v_has THEN
        IF v_row.time_us >= v_start THEN
          -- a state from a later window means the clock stepped back: keep counting in it
          v_start := v_row.time_us;
          v_current := v_row.units;
          v_previous := v_row.previous_units;
        ELSIF v_row.time_us = v_start - v_span THEN
          v_previous := v_row.units;
        END IF;
      END IF;
      v_weight := v_window_ms - GREATEST(0, v_now - v_start) / 1000;
      v_free := v_limit * v_window_ms - v_previous * v_weight - v_current * v_window_ms;
      v_peek_remaining := CASE WHEN v_free <= 0 THEN 0 ELSE v_free / v_window_ms END;
      v_peek_reset := CASE WHEN v_current > 0 THEN v_start + 2 * v_span - v_now
                           WHEN v_previous > 0 THEN v_start + v_span - v_now ELSE 0 END;
      IF v_mode <> MODE_REFUND THEN
        v_allowed := CASE WHEN v_cost > v_limit THEN false
                          ELSE v_previous * v_weight + (v_current + v_cost) * v_window_ms <= v_limit * v_window_ms END;
      END IF;
      IF v_mode = MODE_PEEK OR (v_mode = MODE_CONSUME AND NOT v_allowed) THEN
        v_remaining := v_peek_remaining;
        v_reset := v_peek_reset;
        IF v_allowed THEN
          v_retry := 0;
        ELSIF v_cost > v_limit THEN
          v_retry := NEVER;
        ELSE
          v_room := v_limit - v_current - v_cost;
          IF v_room >= 0 AND v_previous > 0 THEN
            -- later in this window, once the previous window's weight has faded enough
            v_retry := v_start + (v_window_ms - (v_room * v_window_ms) / v_previous) * 1000 - v_now;
          ELSE
            -- next window, where the current count becomes the fading previous one
            v_elapsed := CASE WHEN v_current = 0 THEN 0
                              ELSE greatest(0, v_window_ms - ((v_limit - v_cost) * v_window_ms) / v_current) END;
            v_retry := v_start + v_span + v_elapsed * 1000 - v_now;
          END IF;
        END IF;
      ELSE
        IF v_mode = MODE_REFUND THEN
          v_used := least(v_current, v_cost);
          v_current := v_current - v_used;
          v_previous := greatest(0, v_previous - (v_cost - v_used));
          v_allowed := true;
          v_keep := v_current > 0 OR v_previous > 0;
        ELSE
          v_current := v_current + v_cost;
          v_keep := true;
        END IF;
        v_free := v_limit * v_window_ms - v_previous * v_weight - v_current * v_window_ms;
        v_remaining := CASE WHEN v_free <= 0 THEN 0 ELSE v_free / v_window_ms END;
        v_reset := CASE WHEN v_current > 0 THEN v_start + 2 * v_span - v_now
                        WHEN v_previous > 0 THEN v_start + v_span - v_now ELSE 0 END;
      END IF;
      v_time := v_start;
      v_units := v_current;
      v_expires := v_start + 2 * v_span;

    ELSIF v_algorithm = SLIDING_LOG THEN
      -- sliding log: stamps are sorted; a stamp counts while now < stamp + window
      v_log := CASE WHEN v_has THEN coalesce(v_row.stamps, '{}') ELSE '{}' END;
      v_length := cardinality(v_log);
      v_low := 0;
      v_high := v_length;
      WHILE v_low < v_high LOOP
        v_middle := (v_low + v_high) / 2;
        IF v_log[v_middle + 1] + v_span <= v_now THEN v_low := v_middle + 1; ELSE v_high := v_middle; END IF;
      END LOOP;
      v_expired := v_low;
      v_used := v_length - v_expired;
      v_newest := CASE WHEN v_used > 0 THEN v_log[v_length] ELSE v_now END;
      v_peek_remaining := v_limit - v_used;
      v_peek_reset := CASE WHEN v_used = 0 THEN 0 ELSE v_newest + v_span - v_now END;
      IF v_mode = MODE_REFUND THEN
        v_dropped := least(v_cost, v_used);
        v_allowed := true;
        v_remaining := v_limit - (v_used - v_dropped);
        IF v_used - v_dropped = 0 THEN
          v_reset := 0;
        ELSE
          v_keep := true;
          v_stamps := v_log[v_expired + 1 : v_length - v_dropped];
          v_expires := v_log[v_length - v_dropped] + v_span;
          v_reset := v_expires - v_now;
        END IF;
      ELSE
        v_allowed := v_cost <= v_limit - v_used;
        IF v_mode = MODE_PEEK OR NOT v_allowed THEN
          v_remaining := v_peek_remaining;
          v_reset := v_peek_reset;
          -- free the oldest (used + cost - limit) units: the last of them expires at its stamp + window
          v_retry := CASE WHEN v_allowed THEN 0 WHEN v_cost > v_limit THEN NEVER
                          ELSE v_log[v_expired + v_used + v_cost - v_limit] + v_span - v_now END;
        ELSE
          v_newest := greatest(v_now, v_newest);
          v_stamps := v_log[v_expired + 1 : v_length] || array_fill(v_newest, ARRAY[v_cost::int]);
          v_remaining := v_limit - (v_used + v_cost);
          v_expires := v_newest + v_span;
          v_reset := v_expires - v_now;
          v_keep := true;
        END IF;
      END IF;

    ELSIF v_algorithm = CONCURRENCY THEN
      -- leases: one (lease_ids[k], stamps[k]) per unit of a lease, stamps[k] its expiry in us;
      -- a unit is held while now < its expiry. p_lease: the request's lease id.
      v_lease_ids := CASE WHEN v_has THEN coalesce(v_row.lease_ids, '{}') ELSE '{}' END;
      v_log := CASE WHEN v_has THEN coalesce(v_row.stamps, '{}') ELSE '{}' END;
      SELECT count(*) FILTER (WHERE u.e > v_now),
             count(*) FILTER (WHERE u.e > v_now AND u.id IS NOT DISTINCT FROM p_lease),
             coalesce(max(u.e) FILTER (WHERE u.e > v_now), v_now),
             coalesce(max(u.e) FILTER (WHERE u.e > v_now AND u.id IS DISTINCT FROM p_lease), v_now)
        INTO v_used, v_own, v_newest, v_latest
        FROM unnest(v_lease_ids, v_log) AS u(id, e);
      v_peek_remaining := greatest(0, v_limit - v_used);
      v_peek_reset := v_newest - v_now;
      v_drop_own := false;
      v_renew_own := false;
      v_held := -1;  -- >= 0: a denial, whose worst-case retry counts this many units
      IF v_mode = MODE_PEEK THEN
        -- as a consume with this lease id would be decided (its own live lease does not count)
        v_allowed := v_cost <= v_limit - (v_used - v_own);
        v_remaining := v_peek_remaining;
        v_reset := v_peek_reset;
        IF NOT v_allowed THEN v_held := v_used - v_own; v_skip := true; END IF;
      ELSIF v_mode = MODE_REFUND THEN
        v_allowed := true;
        v_remaining := v_peek_remaining;
        v_reset := v_peek_reset;
      ELSIF v_mode = MODE_RELEASE THEN
        v_allowed := true;
        v_remaining := greatest(0, v_limit - (v_used - v_own));
        v_reset := v_latest - v_now;
        v_drop_own := true;
      ELSIF v_mode = MODE_RENEW THEN
        IF v_own = 0 THEN
          -- a lease no longer held is not taken again
          v_allowed := false;
          v_remaining := v_peek_remaining;
          v_reset := v_peek_reset;
          v_held := v_used;
          v_skip := false;
        ELSE
          v_allowed := true;
          v_remaining := v_peek_remaining;
          v_reset := greatest(v_latest, v_now + v_span) - v_now;
          v_renew_own := true;
        END IF;
      ELSE
        -- consume: a live lease with this id does not count (it is replaced)
        v_allowed := v_cost <= v_limit - (v_used - v_own);
        IF v_allowed THEN
          v_remaining := greatest(0, v_limit - (v_used - v_own + v_cost));
          v_reset := greatest(v_latest, v_now + v_span) - v_now;
          v_drop_own := true;
        ELSE
          v_remaining := v_peek_remaining;
          v_reset := v_peek_reset;
          v_held := v_used - v_own;
          v_skip := true;
        END IF;
      END IF;
      IF v_held >= 0 THEN
        -- the worst case: when enough units expire, in expiry order
        IF v_cost > v_limit THEN
          v_retry := NEVER;
        ELSIF v_held + v_cost <= v_limit THEN
          v_retry := 0;
        ELSE
          SELECT u.e - v_now INTO v_retry
            FROM unnest(v_lease_ids, v_log) AS u(id, e)
           WHERE u.e > v_now AND (NOT v_skip OR u.id IS DISTINCT FROM p_lease)
           ORDER BY u.e OFFSET v_held + v_cost - v_limit - 1 LIMIT 1;
        END IF;
      END IF;
      IF v_mode <> MODE_PEEK AND v_allowed OR v_mode = MODE_RENEW THEN
        -- the next state: the live units (less this lease's when dropped), in order
        SELECT coalesce(array_agg(u.id ORDER BY u.k), '{}'),
               coalesce(array_agg(CASE WHEN v_renew_own AND u.id = p_lease THEN v_now + v_span ELSE u.e END ORDER BY u.k), '{}')
          INTO v_lease_ids, v_stamps
          FROM unnest(v_lease_ids, v_log) WITH ORDINALITY AS u(id, e, k)
         WHERE u.e > v_now AND NOT (v_drop_own AND u.id IS NOT DISTINCT FROM p_lease);
        IF v_mode = MODE_CONSUME THEN
          v_lease_ids := v_lease_ids || array_fill(p_lease, ARRAY[v_cost::int]);
          v_stamps := v_stamps || array_fill(v_now + v_span, ARRAY[v_cost::int]);
        END IF;
        v_keep := cardinality(v_lease_ids) > 0;
        v_expires := (SELECT coalesce(max(x), v_now) FROM unnest(v_stamps) AS x);
      END IF;

    ELSE  -- TOKEN_BUCKET, LEAKY_BUCKET
      -- token and leaky bucket (GCRA): the state is the theoretical arrival time (tat)
      v_full := v_limit * v_span;
      v_base := CASE WHEN v_has AND v_row.time_us >= v_now THEN v_row.time_us ELSE v_now END;
      v_x := v_full - (v_base - v_now);
      v_peek_remaining := GREATEST(0, (v_x - (((v_x % v_span) + v_span) % v_span)) / v_span);  -- floor division, >= 0 even if the clock stepped back
      v_peek_reset := v_base - v_now;
      IF v_mode = MODE_REFUND THEN
        -- tat = max(now, base - cost * interval), without overflowing on a huge cost
        v_tat := CASE WHEN v_cost > (v_base - v_now) / v_span THEN v_now ELSE v_base - v_cost * v_span END;
        v_x := v_full - (v_tat - v_now);
        v_allowed := true;
        v_remaining := GREATEST(0, (v_x - (((v_x % v_span) + v_span) % v_span)) / v_span);
        v_reset := v_tat - v_now;
        v_keep := v_tat > v_now;
      ELSE
        v_allowed := CASE WHEN v_cost > v_limit THEN false ELSE v_base + v_cost * v_span - v_now <= v_full END;
        IF v_mode = MODE_PEEK OR NOT v_allowed THEN
          v_remaining := v_peek_remaining;
          v_reset := v_peek_reset;
          v_retry := CASE WHEN v_allowed THEN 0 WHEN v_cost > v_limit THEN NEVER
                          ELSE v_base + v_cost * v_span - v_full - v_now END;
          v_tat := v_base;
        ELSE
          v_tat := v_base + v_cost * v_span;
          v_x := v_full - (v_tat - v_now);
          v_remaining := (v_x - (((v_x % v_span) + v_span) % v_span)) / v_span;
          v_reset := v_tat - v_now;
          v_delay := CASE WHEN v_algorithm = LEAKY_BUCKET THEN v_base - v_now ELSE 0 END;
          v_keep := true;
        END IF;
      END IF;
      v_time := v_tat;
      v_expires := v_tat;
    END IF;

    IF NOT v_allowed THEN
      v_all_allowed := false;
    END IF;
    v_results := v_results || ARRAY[CASE WHEN v_allowed THEN 1 ELSE 0 END, v_remaining, v_reset, v_retry, v_delay]::float8[];
    v_uncharged := v_uncharged || ARRAY[v_peek_remaining, v_peek_reset];
    -- Expiry is garbage collection only, so it may be late: rounded up (sql/expiry.ts), most
    -- updates of a busy key leave the indexed column alone (a HOT update: no new index entries).
    v_expires := ${expiryFromAny('v_expires')};
    -- decided_us (last) is the upsert's bookkeeping (sql/upsert.ts): the UPDATE below leaves it alone.
    v_nexts[i] := ROW(CASE WHEN v_keep THEN v_keys[i] END, v_time, v_units, v_previous, v_stamps, v_expires, NULL, v_lease_ids)::${table};
  END LOOP;

  IF p_mode IN (MODE_REFUND, MODE_RELEASE, MODE_RENEW) OR (p_mode = MODE_CONSUME AND v_all_allowed) THEN
    FOR i IN 1..v_count LOOP
      v_row := v_nexts[i];
      IF p_mode IN (MODE_RELEASE, MODE_RENEW) AND p_algorithms[i] <> CONCURRENCY THEN
        -- a rate policy under a lease operation keeps its state (only a placeholder goes)
        IF v_fresh[i] THEN
          DELETE FROM ${table} t WHERE t.key = v_keys[i];
        END IF;
      ELSIF v_row.key IS NULL THEN
        DELETE FROM ${table} t WHERE t.key = v_keys[i];
      ELSE
        UPDATE ${table} t
           SET time_us = v_row.time_us, units = v_row.units, previous_units = v_row.previous_units,
               stamps = v_row.stamps, expires_at = v_row.expires_at, lease_ids = v_row.lease_ids
         WHERE t.key = v_keys[i];
      END IF;
    END LOOP;
  ELSIF p_mode = MODE_CONSUME THEN
    -- Another policy denied, so nothing is charged: drop the placeholders, and report the
    -- policies that allowed as a peek would.
    FOR i IN 1..v_count LOOP
      IF v_fresh[i] THEN
        DELETE FROM ${table} t WHERE t.key = v_keys[i];
      END IF;
      IF v_results[RESULT_FIELDS * (i - 1) + 1] = 1 THEN
        v_results[RESULT_FIELDS * (i - 1) + 2] := v_uncharged[2 * i - 1];
        v_results[RESULT_FIELDS * (i - 1) + 3] := v_uncharged[2 * i];
        v_results[RESULT_FIELDS * (i - 1) + 4] := 0;
        v_results[RESULT_FIELDS * (i - 1) + 5] := 0;
      END IF;
    END LOOP;
  END IF;
  RETURN v_results;
END
$decide$;`;
}
