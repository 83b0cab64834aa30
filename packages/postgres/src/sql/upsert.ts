import type { Policy } from '@sluice/core';
import { CLOCK_MICROS } from './clock.js';
import type { ObjectNames } from './names.js';

/**
 * The single-policy decision as one plain `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`
 * (no function call, no placeholder row), for the algorithms whose state is one or two
 * integers: fixed window and the GCRA buckets. Parameters: $1 state key (text), $2 cost
 * (bigint, at most the policy's limit: a larger cost never passes and goes to the decision
 * function as a peek, which reports the same figures), $3 now in µs or NULL (database clock).
 * The policy's limit and span are literals, so each policy has its own statement.
 *
 * - A new key is inserted with the state a first request leaves; it always passes (cost <=
 *   limit), so its figures are known without asking (see `freshFigures`).
 * - An existing row is locked by ON CONFLICT, then the SET's sub-select reads the clock once
 *   (after the lock, as docs/store-contract.md requires), decides, and writes the next state,
 *   or the same values when it denies: the stored state does not change.
 * - The figures (RESULT_FIELD order, µs) leave through a transaction-local setting, since
 *   RETURNING sees only the new row: `set_config(DECISION_SETTING, ..., true)` in the SET,
 *   `current_setting` in RETURNING. The statement is its own transaction, so the setting is
 *   gone when it ends; empty or NULL means the row was inserted.
 *
 * Arithmetic mirrors the decision function (decide-function.ts) line for line, in bigint µs.
 */

/** The transaction-local setting that carries an updated row's figures to RETURNING. */
export const DECISION_SETTING = 'sluice.decision';

/** The algorithms with a single-statement path. */
export function hasUpsert(policy: Policy): boolean {
  return policy.algorithm === 'fixed-window' || policy.algorithm === 'token-bucket' || policy.algorithm === 'leaky-bucket';
}

/** One database clock reading in µs, or $3 when given (fenced so it is read once). */
const NOW = `(SELECT coalesce($3::bigint, ${CLOCK_MICROS}) AS now OFFSET 0)`;

/** Expiry rounded up to a whole second: it changes at most once a second per key, so most updates are HOT. */
function wholeSecond(us: string): string {
  return `((${us}) + 999999 - ((((${us}) + 999999) % 1000000) + 1000000) % 1000000)`;
}

function figures(allowed: string, remaining: string, reset: string, retry: string, delay: string): string {
  return `concat_ws(',', ${allowed}, ${remaining}, ${reset}, ${retry}, ${delay})`;
}

/** Builds the statement text for one policy (see hasUpsert). */
export function upsertSql(names: ObjectNames, policy: Policy): string {
  const table = names.qualifiedTable;
  const limit = `${policy.limit}::bigint`;
  if (policy.algorithm === 'fixed-window') {
    const span = `${'windowUs' in policy ? policy.windowUs : 0}::bigint`;
    // fixed window: the window starts with the first request after the last one ended
    return `INSERT INTO ${table} AS s (key, time_us, units, expires_at)
SELECT $1::text, n.now, $2::bigint, ${wholeSecond(`n.now + ${span}`)} FROM ${NOW} n
ON CONFLICT (key) DO UPDATE SET (time_us, units, expires_at) = (
  SELECT d.time_us, d.units, d.expires_at FROM (
    SELECT CASE WHEN f.allowed THEN f.start ELSE s.time_us END AS time_us,
           CASE WHEN f.allowed THEN f.used + f.cost ELSE s.units END AS units,
           CASE WHEN f.allowed THEN ${wholeSecond(`f.start + ${span}`)} ELSE s.expires_at END AS expires_at,
           set_config('${DECISION_SETTING}', CASE WHEN f.allowed
             THEN ${figures('1', `${limit} - f.used - f.cost`, `f.start + ${span} - f.now`, '0', '0')}
             ELSE ${figures('0', `${limit} - f.used`, `f.start + ${span} - f.now`, `f.start + ${span} - f.now`, '0')} END, true) AS decision
      FROM (SELECT w.*, w.cost <= ${limit} - w.used AS allowed
              FROM (SELECT n.now, $2::bigint AS cost,
                           CASE WHEN n.now < s.time_us + ${span} THEN s.time_us ELSE n.now END AS start,
                           CASE WHEN n.now < s.time_us + ${span} THEN s.units ELSE 0 END AS used
                      FROM ${NOW} n) w) f
    OFFSET 0) d)
RETURNING current_setting('${DECISION_SETTING}', true)`;
  }
  // token and leaky bucket (GCRA): the state is the theoretical arrival time (tat)
  const interval = `${'intervalUs' in policy ? policy.intervalUs : 0}::bigint`;
  const full = `(${limit} * ${interval})`;
  const delay = policy.algorithm === 'leaky-bucket' ? 'f.base - f.now' : '0';
  const tat = `f.base + f.cost * ${interval}`;
  // floor division, >= 0 even if the clock stepped back
  const left = `(${full} - (f.base - f.now))`;
  const peekRemaining = `GREATEST(0, (${left} - (((${left} % ${interval}) + ${interval}) % ${interval})) / ${interval})`;
  return `INSERT INTO ${table} AS s (key, time_us, expires_at)
SELECT $1::text, n.now + $2::bigint * ${interval}, ${wholeSecond(`n.now + $2::bigint * ${interval}`)} FROM ${NOW} n
ON CONFLICT (key) DO UPDATE SET (time_us, expires_at) = (
  SELECT d.time_us, d.expires_at FROM (
    SELECT CASE WHEN f.allowed THEN ${tat} ELSE s.time_us END AS time_us,
           CASE WHEN f.allowed THEN ${wholeSecond(tat)} ELSE s.expires_at END AS expires_at,
           set_config('${DECISION_SETTING}', CASE WHEN f.allowed
             THEN ${figures('1', `(${full} - (${tat} - f.now)) / ${interval}`, `${tat} - f.now`, '0', delay)}
             ELSE ${figures('0', peekRemaining, 'f.base - f.now', `${tat} - ${full} - f.now`, '0')} END, true) AS decision
      FROM (SELECT w.*, w.base + w.cost * ${interval} - w.now <= ${full} AS allowed
              FROM (SELECT n.now, $2::bigint AS cost,
                           CASE WHEN s.time_us >= n.now THEN s.time_us ELSE n.now END AS base
                      FROM ${NOW} n) w) f
    OFFSET 0) d)
RETURNING current_setting('${DECISION_SETTING}', true)`;
}

/**
 * The figures of a request that inserted its row (a first request, cost <= limit), in
 * RESULT_FIELD order: the same the statement computes for an empty state.
 */
export function freshFigures(policy: Policy, cost: number): number[] {
  if (policy.algorithm === 'fixed-window') {
    return [1, policy.limit - cost, 'windowUs' in policy ? policy.windowUs : 0, 0, 0];
  }
  const interval = 'intervalUs' in policy ? policy.intervalUs : 0;
  return [1, policy.limit - cost, cost * interval, 0, 0];
}

/** Parses the setting's `allowed,remaining,reset,retry,delay` (integers; never NEVER: the cost fits the limit). */
export function parseFigures(text: string): number[] {
  const parts = text.split(',');
  const out = new Array<number>(parts.length);
  for (let i = 0; i < parts.length; i++) out[i] = Number(parts[i]);
  return out;
}
