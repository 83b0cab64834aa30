import type { Policy } from '@sluice/core';
import { microsSinceEpoch } from './clock.js';
import type { ObjectNames } from './names.js';

/**
 * The single-policy decision as one plain `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`
 * (no function call, no placeholder row), for the algorithms whose state is one or two
 * integers: fixed window and the GCRA buckets. Parameters: $1 state key (text), $2 cost
 * (bigint, at most the policy's limit: a larger cost never passes and goes to the decision
 * function as a peek, which reports the same figures), $3 now in µs or NULL (database clock).
 * The policy's limit and span are literals, so each policy has its own statement.
 *
 * - A new key is inserted with the state a first request leaves (it always passes: cost <= limit).
 * - An existing row is locked by ON CONFLICT, then the SET's sub-select reads the clock once
 *   (after the lock, as docs/store-contract.md requires), decides, and writes the next state,
 *   or the same state when it denies: a denial changes no limiter state.
 * - RETURNING sees only the new row, so the row also records the decision: `decided_us` is
 *   the clock reading, as `-1 - now` when the request was denied. RETURNING computes the
 *   figures (RESULT_FIELD order, µs) from the state, `decided_us` and the cost.
 *
 * Arithmetic mirrors the decision function (decide-function.ts) line for line, in bigint µs.
 */

/** The algorithms with a single-statement path. */
export function hasUpsert(policy: Policy): boolean {
  return policy.algorithm === 'fixed-window' || policy.algorithm === 'token-bucket' || policy.algorithm === 'leaky-bucket';
}

/**
 * $3, or one database clock reading in µs: the fenced inner query reads the clock once, and
 * this shape adds no InitPlan (the store's CPU per decision is mostly plan nodes).
 */
const NOW = `(SELECT coalesce($3::bigint, ${microsSinceEpoch('c.ts')}) AS now FROM (SELECT clock_timestamp() AS ts OFFSET 0) c)`;

/** Expiry rounded up to a whole second: it changes at most once a second per key, so most updates are HOT. */
function wholeSecond(us: string): string {
  return `((${us}) + 999999 - ((((${us}) + 999999) % 1000000) + 1000000) % 1000000)`;
}

/** `decided_us` for a decision at `now`: the reading itself when allowed, `-1 - now` when denied. */
function decided(allowed: string): string {
  return `CASE WHEN ${allowed} THEN f.now ELSE -1 - f.now END`;
}

/** The figures as float8 (exact: every figure is far below 2^53), which pg parses without BigInt. */
function figures(allowed: string, remaining: string, reset: string, retry: string, delay: string): string {
  return [allowed, remaining, reset, retry, delay].map((figure) => `(${figure})::float8`).join(',\n       ');
}

/** Builds the statement text for one policy (see hasUpsert). */
export function upsertSql(names: ObjectNames, policy: Policy): string {
  const table = names.qualifiedTable;
  const limit = `${policy.limit}::bigint`;
  // In RETURNING: the decision's time, and whether it admitted.
  const now = 'CASE WHEN s.decided_us >= 0 THEN s.decided_us ELSE -1 - s.decided_us END';
  const admitted = 's.decided_us >= 0';
  if (policy.algorithm === 'fixed-window') {
    const span = `${'windowUs' in policy ? policy.windowUs : 0}::bigint`;
    // fixed window: the window starts with the first request after the last one ended.
    // Denied means the window is live and full: the stored state is what a peek reads.
    const reset = `s.time_us + ${span} - (${now})`;
    return `INSERT INTO ${table} AS s (key, time_us, units, expires_at, decided_us)
SELECT $1::text, n.now, $2::bigint, ${wholeSecond(`n.now + ${span}`)}, n.now FROM ${NOW} n
ON CONFLICT (key) DO UPDATE SET (time_us, units, expires_at, decided_us) = (
  SELECT CASE WHEN f.allowed THEN f.start ELSE s.time_us END,
         CASE WHEN f.allowed THEN f.used + $2::bigint ELSE s.units END,
         CASE WHEN f.allowed THEN ${wholeSecond(`f.start + ${span}`)} ELSE s.expires_at END,
         ${decided('f.allowed')}
    FROM (SELECT w.now, w.start, w.used, $2::bigint <= ${limit} - w.used AS allowed
            FROM (SELECT n.now,
                         CASE WHEN n.now < s.time_us + ${span} THEN s.time_us ELSE n.now END AS start,
                         CASE WHEN n.now < s.time_us + ${span} THEN s.units ELSE 0 END AS used
                    FROM ${NOW} n) w) f)
RETURNING ${figures(`CASE WHEN ${admitted} THEN 1 ELSE 0 END`, `${limit} - s.units`, reset, `CASE WHEN ${admitted} THEN 0 ELSE ${reset} END`, '0')}`;
  }
  // token and leaky bucket (GCRA): the state is the theoretical arrival time (tat)
  const interval = `${'intervalUs' in policy ? policy.intervalUs : 0}::bigint`;
  const full = `(${limit} * ${interval})`;
  // Allowed: tat = base + cost * interval, so the leaky bucket's delay (base - now) is tat - cost * interval - now.
  const delay = policy.algorithm === 'leaky-bucket' ? `CASE WHEN ${admitted} THEN s.time_us - $2::bigint * ${interval} - (${now}) ELSE 0 END` : '0';
  // floor division, >= 0 even if the clock stepped back (a denial's tat may lie beyond now + full)
  const left = `(${full} - (s.time_us - (${now})))`;
  const remaining = `GREATEST(0, (${left} - (((${left} % ${interval}) + ${interval}) % ${interval})) / ${interval})`;
  return `INSERT INTO ${table} AS s (key, time_us, expires_at, decided_us)
SELECT $1::text, n.now + $2::bigint * ${interval}, ${wholeSecond(`n.now + $2::bigint * ${interval}`)}, n.now FROM ${NOW} n
ON CONFLICT (key) DO UPDATE SET (time_us, expires_at, decided_us) = (
  SELECT CASE WHEN f.allowed THEN f.base + $2::bigint * ${interval} ELSE s.time_us END,
         CASE WHEN f.allowed THEN ${wholeSecond(`f.base + $2::bigint * ${interval}`)} ELSE s.expires_at END,
         ${decided('f.allowed')}
    FROM (SELECT w.now, w.base, w.base + $2::bigint * ${interval} - w.now <= ${full} AS allowed
            FROM (SELECT n.now, CASE WHEN s.time_us >= n.now THEN s.time_us ELSE n.now END AS base
                    FROM ${NOW} n) w) f)
RETURNING ${figures(
    `CASE WHEN ${admitted} THEN 1 ELSE 0 END`,
    remaining,
    `s.time_us - (${now})`,
    `CASE WHEN ${admitted} THEN 0 ELSE s.time_us + $2::bigint * ${interval} - ${full} - (${now}) END`,
    delay,
  )}`;
}
