import { retryAfterSeconds } from '../headers/seconds.js';
import type { Decision } from '../limiter/decision.js';

/**
 * The Content-Type of every problem body Sluice sends (429, 503, the deny list's 403, load
 * shedding's 503): RFC 9457 problem details, UTF-8. The charset is explicit so Express, Koa and
 * Fastify (which appends one to any JSON type lacking it) send the same header.
 */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** Problem types registered by draft-ietf-httpapi-ratelimit-headers-10, section 5. */
export const ProblemTypes = {
  /** A 429: the client exceeded a quota (also a fallback store's denial). */
  QUOTA_EXCEEDED: 'https://iana.org/assignments/http-problem-types#quota-exceeded',
  /** A 503: no store could answer and the failure policy refused (the client exceeded nothing). */
  TEMPORARY_REDUCED_CAPACITY: 'https://iana.org/assignments/http-problem-types#temporary-reduced-capacity',
} as const;

/** An RFC 9457 problem details object for a denied request. */
export interface RateLimitProblem {
  /** A ProblemTypes URI. */
  type: string;
  /** 'Quota Exceeded' or 'Temporary Reduced Capacity'. */
  title: string;
  /** 429 or 503, as the response's status. */
  status: number;
  /** A sentence for people: which policy, and when to retry. */
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

/** The default denial: status and body (the headers are written separately). */
export interface LimitedResponse {
  /** 429, or 503 when the failure policy refused without a store. */
  status: number;
  /** The problem+json body. */
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
