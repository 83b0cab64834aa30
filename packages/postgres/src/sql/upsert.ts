import type { Policy } from '@sluice/core';
import { nowRow } from './clock.js';
import { expiryFromNonNegative } from './expiry.js';
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
 * The arithmetic is the decision function's (decide-function.ts), in bigint µs. Cost on the
 * server is mostly plan nodes and repeated expressions: the clock is converted once in a
 * fenced row (nowRow), and the rest are plain bigint comparisons the planner inlines.
 */

/** The algorithms with a single-statement path. */
export function hasUpsert(policy: Policy): boolean {
  return policy.algorithm === 'fixed-window' || policy.algorithm === 'token-bucket' || policy.algorithm === 'leaky-bucket';
}

/** $3, or one database clock reading in µs, converted once (see nowRow). */
const NOW = nowRow('$3::bigint');

/** `decided_us` for a decision at `now`: the reading itself when allowed, `-1 - now` when denied. */
function decided(allowed: string): string {
  return `CASE WHEN ${allowed} THEN n.now ELSE -1 - n.now END`;
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
    // Live and admitted keeps expires_at: every writer set it to at least time_us + span.
    // A NULL comparison (no time_us) reads as "not live", as in the decision function.
    const live = `n.now < s.time_us + ${span}`;
    const reset = `s.time_us + ${span} - (${now})`;
    return `INSERT INTO ${table} AS s (key, time_us, units, expires_at, decided_us)
SELECT $1::text, n.now, $2::bigint, ${expiryFromNonNegative(`n.now + ${span}`)}, n.now FROM ${NOW} n
ON CONFLICT (key) DO UPDATE SET (time_us, units, expires_at, decided_us) = (
  SELECT CASE WHEN ${live} THEN s.time_us ELSE n.now END,
         CASE WHEN ${live} THEN CASE WHEN $2::bigint <= ${limit} - s.units THEN s.units + $2::bigint ELSE s.units END ELSE $2::bigint END,
         CASE WHEN ${live} THEN s.expires_at ELSE ${expiryFromNonNegative(`n.now + ${span}`)} END,
         CASE WHEN ${live} AND $2::bigint > ${limit} - s.units THEN -1 - n.now ELSE n.now END
    FROM ${NOW} n)
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
  // base = max(tat, now); the next tat = base + cost * interval (GREATEST skips a NULL tat)
  const tat = `GREATEST(s.time_us, n.now) + $2::bigint * ${interval}`;
  const allowed = `${tat} - n.now <= ${full}`;
  return `INSERT INTO ${table} AS s (key, time_us, expires_at, decided_us)
SELECT $1::text, n.now + $2::bigint * ${interval}, ${expiryFromNonNegative(`n.now + $2::bigint * ${interval}`)}, n.now FROM ${NOW} n
ON CONFLICT (key) DO UPDATE SET (time_us, expires_at, decided_us) = (
  SELECT CASE WHEN ${allowed} THEN ${tat} ELSE s.time_us END,
         CASE WHEN ${allowed} THEN ${expiryFromNonNegative(tat)} ELSE s.expires_at END,
         ${decided(allowed)}
    FROM ${NOW} n)
RETURNING ${figures(
    `CASE WHEN ${admitted} THEN 1 ELSE 0 END`,
    remaining,
    `s.time_us - (${now})`,
    `CASE WHEN ${admitted} THEN 0 ELSE s.time_us + $2::bigint * ${interval} - ${full} - (${now}) END`,
    delay,
  )}`;
}
