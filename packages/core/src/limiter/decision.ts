import type { Policy } from '../policies/policy.js';
import type { PolicyResult } from '../store/types.js';
import type { LeaseHandle } from './leases.js';

/**
 * Why the primary store gave no answer: it failed, it did not answer within `timeoutMs`, or
 * its circuit breaker is open (the store was not asked).
 */
export type Degraded = 'store-error' | 'timeout' | 'breaker-open';

/**
 * Who made a decision: `'store'` the primary store; `'fallback'` the fallback store
 * (`onStoreError: someStore`) after the primary failed, a real quota decision; `'failure-policy'`
 * no store measured anything (`'allow'`/`'deny'`, or the fallback failed too); `'block-cache'`
 * the limiter's block cache repeated a recent store denial without asking the store (a real
 * quota decision: HTTP answers 429).
 */
export type DecidedBy = 'store' | 'fallback' | 'failure-policy' | 'block-cache';

/** What a limiter's shadow policies would have decided (see the limiter option `shadow`). */
export interface ShadowVerdict {
  /** False when a shadow policy would have denied. */
  allowed: boolean;
  /** The binding shadow policy. */
  policy: string;
  /** ms a same-cost retry would have had to wait (0 when allowed, Infinity for never). */
  retryAfterMs: number;
  /** ms a leaky-bucket shadow policy would have held the request. */
  delayMs: number;
}

/**
 * One `consume` (or peek, refund) answer, combined over every policy: all figures are the
 * binding policy's, times in ms, quantities in units of cost.
 */
export interface Decision {
  /** Whether every enforced policy admitted the request (and so charged it). */
  allowed: boolean;
  /** Of the binding policy: the one that denied (latest retry), else the tightest. */
  limit: number;
  /** Units of cost left on the binding policy (>= 0). */
  remaining: number;
  /** Until the binding policy's quota is fully restored, ms. */
  resetAfterMs: number;
  /** 0 when allowed; else the earliest a same-cost retry can pass; Infinity if it never can. */
  retryAfterMs: number;
  /** Leaky-bucket shaping: hold the request this long before running it. */
  delayMs: number;
  /** Name of the binding policy. */
  policy: string;
  /** One per policy, in the limiter's policy order. */
  results: readonly PolicyResult[];
  /** Which store answered, or the failure policy. HTTP treats only 'failure-policy' as degraded (503). */
  decidedBy: DecidedBy;
  /** Set when the primary store failed, and why (for both 'fallback' and 'failure-policy' decisions). */
  degraded?: Degraded;
  /**
   * Set on decisions of limiters with shadow policies (or `shadow: true`): what those policies
   * would have decided. Never applied: the decision's own fields come from the enforced policies
   * (all allowed, no delay, for a whole-shadow limiter); their per-policy figures are in `results`.
   */
  shadow?: ShadowVerdict;
  /**
   * The lease an admitted request holds under the limiter's concurrency policies: call
   * `release()` when the work ends (the middleware does, however the response ends). Set only
   * on an admitting consume of a limiter with a concurrency policy, decided by a store.
   */
  lease?: LeaseHandle;
}

/**
 * Combines per-policy results into one decision (all-or-nothing already applied by the store),
 * `decidedBy: 'store'`; the limiter relabels a fallback store's answer. `policies` (the results'
 * policies, same order), when given, lets a penalty bind only when it denies or nothing else
 * allows: its `remaining` counts strikes, not requests.
 */
export function combineResults(results: readonly PolicyResult[], policies?: readonly Policy[]): Decision {
  if (results.length === 1) {
    const only = results[0]!;
    return {
      allowed: only.allowed,
      limit: only.limit,
      remaining: only.remaining,
      resetAfterMs: only.resetAfterMs,
      retryAfterMs: only.retryAfterMs,
      delayMs: only.delayMs,
      policy: only.policy,
      results,
      decidedBy: 'store',
    };
  }
  let binding: PolicyResult | undefined;
  let denied: PolicyResult | undefined;
  let delayMs = 0;
  let idle: PolicyResult | undefined;
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    if (!result.allowed) {
      if (denied === undefined || result.retryAfterMs > denied.retryAfterMs) denied = result;
    } else if (policies?.[i]?.algorithm === 'penalty') {
      idle = result;
    } else if (
      binding === undefined ||
      result.remaining < binding.remaining ||
      (result.remaining === binding.remaining && result.resetAfterMs > binding.resetAfterMs)
    ) {
      binding = result;
    }
    if (result.delayMs > delayMs) delayMs = result.delayMs;
  }
  const chosen = (denied ?? binding ?? idle)!;
  return {
    allowed: denied === undefined,
    limit: chosen.limit,
    remaining: chosen.remaining,
    resetAfterMs: chosen.resetAfterMs,
    retryAfterMs: denied === undefined ? 0 : denied.retryAfterMs,
    delayMs: denied === undefined ? delayMs : 0,
    policy: chosen.policy,
    results,
    decidedBy: 'store',
  };
}

/** When the store cannot answer and no fallback store can either: a denial asks for a retry after this. */
export const DEGRADED_RETRY_AFTER_MS = 1_000;

/** The failure policy's decision: every policy reported as allowing (full quota) or denying. */
export function degradedDecision(policies: readonly Policy[], allowed: boolean, degraded: Degraded): Decision {
  const results: PolicyResult[] = policies.map((policy) => ({
    policy: policy.name,
    allowed,
    limit: policy.limit,
    remaining: allowed ? policy.limit : 0,
    resetAfterMs: allowed ? 0 : DEGRADED_RETRY_AFTER_MS,
    retryAfterMs: allowed ? 0 : DEGRADED_RETRY_AFTER_MS,
    delayMs: 0,
  }));
  const decision = combineResults(results);
  decision.decidedBy = 'failure-policy';
  decision.degraded = degraded;
  return decision;
}
