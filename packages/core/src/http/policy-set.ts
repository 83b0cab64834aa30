import { draft10PolicyValue } from '../headers/draft-10.js';
import { draft7PolicyValue } from '../headers/draft-7.js';
import { RateLimitMemberCache } from '../headers/member-cache.js';
import type { Limiter } from '../limiter/create-limiter.js';

/** A limiter plus every header value that depends only on its policies, computed once. */
export interface PolicySet {
  /** The limiter that decides for this set. */
  readonly limiter: Limiter;
  /** draft-10 `RateLimit-Policy`, all policies. */
  readonly draft10Policy: string;
  /** Each policy's draft-10 `RateLimit` member, cached per (remaining, reset), in policy order. */
  readonly members: readonly RateLimitMemberCache[];
  /** draft-6/7 `RateLimit-Policy` (`100;w=60`) by policy name: those formats describe the binding policy. */
  readonly singlePolicy: ReadonlyMap<string, string>;
}

/** Computes the header values that depend only on `limiter`'s policies, once. */
export function compilePolicySet(limiter: Limiter): PolicySet {
  const policies = limiter.policies;
  const members = policies.map((policy) => new RateLimitMemberCache(policy.name));
  return {
    limiter,
    draft10Policy: draft10PolicyValue(policies),
    members,
    singlePolicy: new Map(policies.map((policy) => [policy.name, draft7PolicyValue(policy.limit, policy.windowMs)])),
  };
}
