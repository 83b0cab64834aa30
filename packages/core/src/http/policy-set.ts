import { draft10PolicyValue, quotedPolicyNames } from '../headers/draft-10.js';
import { draft7PolicyValue } from '../headers/draft-7.js';
import type { Limiter } from '../limiter/create-limiter.js';

/** A limiter plus every header value that depends only on its policies, computed once. */
export interface PolicySet {
  readonly limiter: Limiter;
  /** draft-10 `RateLimit-Policy`, all policies. */
  readonly draft10Policy: string;
  /** Each policy's name as an sf-string, in policy order, for draft-10 `RateLimit`. */
  readonly quotedNames: readonly string[];
  /** draft-6/7 `RateLimit-Policy` (`100;w=60`) by policy name: those formats describe the binding policy. */
  readonly singlePolicy: ReadonlyMap<string, string>;
}

export function compilePolicySet(limiter: Limiter): PolicySet {
  const policies = limiter.policies;
  return {
    limiter,
    draft10Policy: draft10PolicyValue(policies),
    quotedNames: quotedPolicyNames(policies),
    singlePolicy: new Map(policies.map((policy) => [policy.name, draft7PolicyValue(policy.limit, policy.windowMs)])),
  };
}
