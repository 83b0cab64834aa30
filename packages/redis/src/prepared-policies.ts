import { ALGORITHMS, InvalidOptionError, isPolicy, UnsupportedAlgorithmError, type Policy } from '@sluice/core';
import { ALGORITHM_CODES } from './lua/script.js';

/** What a policy set contributes to every script call, computed once per policies array. */
export interface PreparedPolicies {
  /** `':' + policy.id`, appended to the base key. */
  readonly keySuffixes: readonly string[];
  /** The per-policy ARGV triples, flattened. */
  readonly policyArgs: readonly string[];
}

function policyArgs(policy: Policy): string[] {
  const code = ALGORITHM_CODES[policy.algorithm];
  return 'capacity' in policy
    ? [code, String(policy.capacity), String(policy.intervalUs)]
    : [code, String(policy.limit), String(policy.windowUs)];
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
    if (!(policy.algorithm in ALGORITHM_CODES)) {
      throw new UnsupportedAlgorithmError(option, policy.algorithm, 'RedisStore', ALGORITHMS);
    }
    // Two policies on one key would both read the state before either writes it.
    if (ids.has(policy.id)) throw new InvalidOptionError(option, policy.id, 'a policy whose parameters differ from the others');
    ids.add(policy.id);
    keySuffixes.push(':' + policy.id);
    args.push(...policyArgs(policy));
  });
  return { keySuffixes, policyArgs: args };
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
