import type { StoreMode } from '../algorithms/types.js';
import { StoreError } from '../errors.js';
import type { Policy, RateAlgorithm } from '../policies/policy.js';
import { policyResult } from './results.js';
import type { PolicyResult } from './types.js';

// The one glossary of codes shared by TypeScript, Lua and SQL: stores generate their script
// and statement constants from these, so a code means the same thing on every store.

/** A `retryAfterUs` of -1 on the wire means "never": the cost exceeds the limit (Infinity in a PolicyResult). */
export const NEVER = -1;

/** Algorithm numbers on the wire (script arguments, SQL parameters); 6: the concurrency limit (leases). */
export const ALGORITHM_CODES: Readonly<Record<RateAlgorithm | 'concurrency', number>> = Object.freeze({
  'fixed-window': 1,
  'sliding-window': 2,
  'sliding-log': 3,
  'token-bucket': 4,
  'leaky-bucket': 5,
  concurrency: 6,
});

/** Mode numbers on the wire ('release' and 'renew': lease operations of the concurrency policies). */
export const MODE_CODES: Readonly<Record<StoreMode, number>> = Object.freeze({ consume: 0, peek: 1, refund: 2, release: 3, renew: 4 });

/**
 * A store's reply per policy is RESULT_FIELDS integers in this order: allowed (1 or 0),
 * remaining (units of cost), resetAfterUs, retryAfterUs (NEVER for never), delayUs (µs).
 */
export const RESULT_FIELD = Object.freeze({
  /** Index of allowed: 1 or 0. */
  allowed: 0,
  /** Index of remaining: units of cost left. */
  remaining: 1,
  /** Index of resetAfterUs: until the quota is fully restored, µs. */
  resetAfterUs: 2,
  /** Index of retryAfterUs: until a same-cost retry can pass, µs (NEVER for never). */
  retryAfterUs: 3,
  /** Index of delayUs: the leaky bucket's hold, µs. */
  delayUs: 4 });
/** Numbers per policy in a store's reply. */
export const RESULT_FIELDS = 5;

/**
 * Decodes one policy's figures, starting at `figures[at]` (layout: RESULT_FIELD), into a
 * PolicyResult rounded exactly as the memory store rounds (µs up to whole ms).
 */
export function decodeResult(policy: Policy, figures: ArrayLike<number>, at: number): PolicyResult {
  const retryAfterUs = figures[at + 3]!;
  return policyResult(
    policy,
    figures[at] === 1,
    figures[at + 1]!,
    figures[at + 2]!,
    retryAfterUs === NEVER ? Infinity : retryAfterUs,
    figures[at + 4]!,
  );
}

/**
 * Decodes a flat reply of RESULT_FIELDS integers per policy, in policy order. Throws a
 * StoreError (ERR_SLUICE_STORE) naming `store` when the reply is not an array of exactly
 * policies.length × RESULT_FIELDS numbers.
 */
export function decodeResults(reply: unknown, policies: readonly Policy[], store: string): PolicyResult[] {
  const count = policies.length;
  if (!Array.isArray(reply) || reply.length !== count * RESULT_FIELDS) throw unexpectedReply(reply, store);
  for (let i = 0; i < reply.length; i++) if (typeof reply[i] !== 'number') throw unexpectedReply(reply, store);
  const results: PolicyResult[] = new Array(count);
  for (let i = 0; i < count; i++) results[i] = decodeResult(policies[i]!, reply as number[], i * RESULT_FIELDS);
  return results;
}

function unexpectedReply(reply: unknown, store: string): StoreError {
  let shown: string;
  try {
    shown = JSON.stringify(reply) ?? String(reply);
  } catch {
    shown = String(reply);
  }
  return new StoreError(`${store}: unexpected reply ${shown}.`);
}
