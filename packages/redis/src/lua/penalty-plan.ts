import { ALGORITHM_CODES, ALGORITHMS, decodeResults, penaltyMemoryUs, type Algorithm, type PenaltyPolicy, type Policy, type PolicyResult } from '@sluice/core';
import type { RedisPolicy } from '../algorithms.js';
import { limitAndWindow, preparedPolicies } from '../prepared-policies.js';
import { stateKeySuffix } from '../state-version.js';

/** What RedisStore declares: the rate algorithms, the penalty (lua/penalty.ts) and the concurrency limit (lua/concurrency.ts). */
export const REDIS_ALGORITHMS: readonly Algorithm[] = Object.freeze([...ALGORITHMS, 'penalty', 'concurrency'] as const);

/** A policy set with a penalty, as the penalty script takes it (computed once per policies array). */
export interface PenaltyPlan {
  /** The other policies in order, then the penalty: the reply's order. */
  readonly replyOrder: readonly Policy[];
  /** Where each of `replyOrder` goes in the caller's policy order. */
  readonly positions: readonly number[];
  /** Key suffixes in reply order. */
  readonly keySuffixes: readonly string[];
  /** ARGV after the request's: each other policy's code, limit, window; then the penalty's (PENALTY_ARGV). */
  readonly policyArgs: readonly string[];
  /** A concurrency policy is among the others: the lease id goes last (lua/concurrency.ts reads ARGV[#ARGV]). */
  readonly leases: boolean;
}

const plans = new WeakMap<readonly Policy[], PenaltyPlan | null>();

function planOf(policies: readonly Policy[]): PenaltyPlan | null {
  const at = policies.findIndex((policy) => policy.algorithm === 'penalty');
  if (at < 0) return null;
  const others = policies.filter((_, index) => index !== at);
  // Validates the others (and refuses anything the scripts do not implement), as for any decision.
  if (others.length > 0) preparedPolicies(others);
  const penalty = policies[at] as PenaltyPolicy;
  const policyArgs: string[] = [];
  for (const other of others as RedisPolicy[]) {
    policyArgs.push(String(ALGORITHM_CODES[other.algorithm]), ...limitAndWindow(other));
  }
  policyArgs.push(String(penalty.limit), String(penalty.withinUs), String(penaltyMemoryUs(penalty)), penalty.blockForUs.join(','));
  const replyOrder = [...others, penalty];
  return {
    replyOrder,
    positions: replyOrder.map((policy) => policies.indexOf(policy)),
    keySuffixes: replyOrder.map(stateKeySuffix),
    policyArgs,
    leases: others.some((other) => other.algorithm === 'concurrency'),
  };
}

/** The penalty plan of `policies`, or undefined when none of them is a penalty. Throws like preparedPolicies. */
export function penaltyPlan(policies: readonly Policy[]): PenaltyPlan | undefined {
  // Not an array: no plan here; preparedPolicies refuses it with a typed error (option `policies`).
  if (!Array.isArray(policies)) return undefined;
  let plan = plans.get(policies);
  if (plan === undefined) {
    plan = planOf(policies);
    plans.set(policies, plan);
  }
  return plan ?? undefined;
}

/** `[numKeys, ...keys, mode, cost, now, ...policyArgs]` for the penalty script (REQUEST_ARGS: mode, cost, now). */
export function penaltyScriptArgs(plan: PenaltyPlan, base: string, modeArg: string, costArg: string, nowArg: string, lease?: string): string[] {
  const keys = plan.keySuffixes.map((suffix) => base + suffix);
  const args = [String(keys.length), ...keys, modeArg, costArg, nowArg, ...plan.policyArgs];
  if (plan.leases) args.push(lease ?? '');
  return args;
}

/** The penalty script's reply as PolicyResults in the caller's policy order. Throws a StoreError on a malformed reply. */
export function penaltyResults(plan: PenaltyPlan, reply: unknown, store: string): PolicyResult[] {
  const inReplyOrder = decodeResults(reply, plan.replyOrder, store);
  const results: PolicyResult[] = new Array(inReplyOrder.length);
  for (let i = 0; i < inReplyOrder.length; i++) results[plan.positions[i]!] = inReplyOrder[i]!;
  return results;
}

/** Every policy's key suffix for a reset, a penalty included. */
export function resetSuffixes(policies: readonly Policy[]): readonly string[] {
  const plan = penaltyPlan(policies);
  return plan === undefined ? preparedPolicies(policies).keySuffixes : plan.keySuffixes;
}
