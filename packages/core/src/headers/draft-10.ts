// draft-ietf-httpapi-ratelimit-headers-10: both fields are Structured Field Lists with one
// member per policy, the member an sf-string naming the policy.
import { resetSeconds, type ResetInput } from './seconds.js';
import { sfString } from './sf-string.js';
import { windowSeconds } from './window-seconds.js';

/** One policy as RateLimit-Policy describes it (draft-ietf-httpapi-ratelimit-headers-10). */
export interface PolicyDescription {
  /** The policy's name, written as an sf-string list member. */
  name: string;
  /** Quota: `q`. */
  limit: number;
  /** The window, ms; written as `w` in whole seconds, rounded up. */
  windowMs: number;
  /** 'concurrency': the quota counts requests in progress (`qu="concurrent-requests"`, no `w`). */
  algorithm?: string;
}

/** A concurrency policy's item: its quota unit, and no window (it has none: leases end when released). */
const CONCURRENT_REQUESTS = ';qu="concurrent-requests"';

/** One policy's figures as the RateLimit field reports them (`r`, `t`). */
export interface PolicyQuotaState extends ResetInput {
  /** The policy's name. */
  policy: string;
  /** Units of cost left: `r`. */
  remaining: number;
}

/**
 * `RateLimit-Policy: "burst";q=20;w=4, "hourly";q=1000;w=3600`; a concurrency policy is
 * `"inflight";q=10;qu="concurrent-requests"`. Constant per policy set: compute once.
 */
export function draft10PolicyValue(policies: readonly PolicyDescription[]): string {
  let value = '';
  for (let i = 0; i < policies.length; i++) {
    const policy = policies[i]!;
    if (i > 0) value += ', ';
    value += sfString(policy.name) + ';q=' + policy.limit;
    value += policy.algorithm === 'concurrency' ? CONCURRENT_REQUESTS : ';w=' + windowSeconds(policy.windowMs);
  }
  return value;
}

/** The sf-strings of the policies' names, in order: callers that write many responses keep these. */
export function quotedPolicyNames(policies: readonly { name: string }[]): string[] {
  return policies.map((policy) => sfString(policy.name));
}

/**
 * `RateLimit: "burst";r=7;t=1, "hourly";r=950;t=2400`: remaining quota and the reset time
 * (see `resetSeconds`) of every policy. `quotedNames[i]`, when given, is result i's policy name
 * already as an sf-string (from `quotedPolicyNames`), which saves re-quoting on every response.
 */
export function draft10RateLimitValue(results: readonly PolicyQuotaState[], quotedNames?: readonly string[]): string {
  let value = '';
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    if (i > 0) value += ', ';
    value += (quotedNames?.[i] ?? sfString(result.policy)) + ';r=' + result.remaining + ';t=' + resetSeconds(result);
  }
  return value;
}
