import { InvalidOptionError, isPolicy, UnsupportedAlgorithmError } from '@sluice/core';
import { ALGORITHM_CODES, type Policy } from '@sluice/core';
import { REDIS_ALGORITHMS } from './lua/penalty-plan.js';
import type { RedisAlgorithm, RedisPolicy } from './algorithms.js';
import { stateKeySuffix } from './state-version.js';

/** What a policy set contributes to every script call, computed once per policies array. */
export interface PreparedPolicies {
  /** The algorithm of a lone policy (its own script runs); undefined for several (the multi-policy script). */
  readonly single: RedisAlgorithm | undefined;
  /** `':' + policy.id` (plus the state layout version, see state-version.ts), appended to the base key. */
  readonly keySuffixes: readonly string[];
  /** A lone policy: [limit, window]; several: [algorithm code, limit, window] per policy, flattened. */
  readonly policyArgs: readonly string[];
  /** The lone policy's limit (or capacity) and window (or interval, µs) as strings. */
  readonly limitArg: string;
  readonly windowArg: string;
  /** A concurrency policy is among them: the script's last ARGV is then the lease id. */
  readonly leases: boolean;
}

/** A policy's two script arguments: limit or capacity (units), then window, interval or lease (µs). */
export function limitAndWindow(policy: RedisPolicy): [string, string] {
  if (policy.algorithm === 'concurrency') return [String(policy.limit), String(policy.leaseUs)];
  return 'capacity' in policy ? [String(policy.capacity), String(policy.intervalUs)] : [String(policy.limit), String(policy.windowUs)];
}

function prepare(policies: readonly Policy[]): PreparedPolicies {
  if (!Array.isArray(policies)) throw new InvalidOptionError('policies', policies, 'an array of policies');
  const keySuffixes: string[] = [];
  const args: string[] = [];
  const ids = new Set<string>();
  policies.forEach((policy, index) => {
    const option = `policies[${index}]`;
    if (!isPolicy(policy)) {
      throw new InvalidOptionError(option, policy, 'a policy made by fixedWindow(), slidingWindow(), slidingLog(), tokenBucket() or leakyBucket()');
    }
    if (!Object.hasOwn(ALGORITHM_CODES, policy.algorithm)) {
      throw new UnsupportedAlgorithmError(option, policy.algorithm, 'RedisStore', REDIS_ALGORITHMS);
    }
    // Two policies on one key would both read the state before either writes it.
    if (ids.has(policy.id)) throw new InvalidOptionError(option, policy.id, 'a policy whose parameters differ from the others');
    ids.add(policy.id);
    keySuffixes.push(stateKeySuffix(policy));
    const known = policy as RedisPolicy; // checked just above
    args.push(String(ALGORITHM_CODES[known.algorithm]), ...limitAndWindow(known));
  });
  const leases = policies.some((policy) => policy.algorithm === 'concurrency');
  if (policies.length === 1) {
    const only = policies[0] as RedisPolicy;
    const [limitArg, windowArg] = limitAndWindow(only);
    return { single: only.algorithm, keySuffixes, policyArgs: [limitArg, windowArg], limitArg, windowArg, leases };
  }
  return { single: undefined, keySuffixes, policyArgs: args, limitArg: '', windowArg: '', leases };
}

const cache = new WeakMap<readonly Policy[], PreparedPolicies>();

/** Cached by array identity: a limiter passes the same frozen array on every call. */
export function preparedPolicies(policies: readonly Policy[]): PreparedPolicies {
  // A primitive is not a WeakMap key: get() answers undefined and prepare() refuses it.
  let prepared = typeof policies === 'object' && policies !== null ? cache.get(policies) : undefined;
  if (prepared === undefined) {
    prepared = prepare(policies);
    cache.set(policies, prepared);
  }
  return prepared;
}
