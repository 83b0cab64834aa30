import { retryAfterSeconds } from '../headers/seconds.js';
import type { Decision } from '../limiter/decision.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types registered by draft-ietf-httpapi-ratelimit-headers-10, section 5. */
export const ProblemTypes = {
  QUOTA_EXCEEDED: 'https://iana.org/assignments/http-problem-types#quota-exceeded',
  TEMPORARY_REDUCED_CAPACITY: 'https://iana.org/assignments/http-problem-types#temporary-reduced-capacity',
} as const;

/** An RFC 9457 problem details object for a denied request. */
export interface RateLimitProblem {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** The draft's extension member: names of the policies this request exceeded (absent when nothing was measured). */
  'violated-policies'?: string[];
  /** The binding policy (the one with the longest wait). */
  policy: string;
  /** Seconds until a retry can pass, as in Retry-After; absent when it never can. */
  retryAfter?: number;
  /** Why the store gave no answer, when the failure policy (no store) refused the request. */
  degraded?: string;
}

export interface LimitedResponse {
  status: number;
  problem: RateLimitProblem;
}

/**
 * 503 when no store measured anything and the failure policy refused (the client exceeded
 * nothing), else 429: a fallback store's denial is a real quota decision.
 */
export function limitedStatus(decision: Decision): number {
  return decision.decidedBy === 'failure-policy' ? 503 : 429;
}

function seconds(count: number): string {
  return count === 1 ? '1 second' : `${count} seconds`;
}

/**
 * The default answer to a denied request: 429 with quota-exceeded (also for a fallback store's
 * denial); 503 with temporary-reduced-capacity when no store could answer and `onStoreError:
 * 'deny'` refused it (the client did nothing wrong, and no policy was measured, so no
 * violated-policies); 429 without retryAfter when the cost exceeds what the policy can ever
 * admit (retrying cannot help).
 */
export function limitedResponse(outcome: { readonly decision: Decision; readonly cost: number }): LimitedResponse {
  const { decision, cost } = outcome;
  if (decision.decidedBy === 'failure-policy') {
    const wait = retryAfterSeconds(decision.retryAfterMs);
    const problem: RateLimitProblem = {
      type: ProblemTypes.TEMPORARY_REDUCED_CAPACITY,
      title: 'Temporary Reduced Capacity',
      status: 503,
      detail: `The rate limiter cannot check quotas right now, so requests are refused; retry in ${seconds(wait)}.`,
      policy: decision.policy,
      retryAfter: wait,
    };
    if (decision.degraded !== undefined) problem.degraded = decision.degraded;
    return { status: 503, problem };
  }
  const violated: string[] = [];
  for (const result of decision.results) if (!result.allowed) violated.push(result.policy);
  if (decision.retryAfterMs === Infinity) {
    return quotaExceeded(
      decision,
      violated,
      `This request costs ${cost}, more than policy "${decision.policy}" admits at all (quota ${decision.limit}); ` +
        'it can never pass, so retrying will not help.',
    );
  }
  const wait = retryAfterSeconds(decision.retryAfterMs);
  return quotaExceeded(decision, violated, `Quota of policy "${decision.policy}" exceeded; retry in ${seconds(wait)}.`, wait);
}

/** A 429 quota-exceeded problem; `retryAfter` is left out when no retry can pass. */
function quotaExceeded(decision: Decision, violated: string[], detail: string, retryAfter?: number): LimitedResponse {
  const problem: RateLimitProblem = {
    type: ProblemTypes.QUOTA_EXCEEDED,
    title: 'Quota Exceeded',
    status: 429,
    detail,
    'violated-policies': violated,
    policy: decision.policy,
  };
  if (retryAfter !== undefined) problem.retryAfter = retryAfter;
  return { status: 429, problem };
}
