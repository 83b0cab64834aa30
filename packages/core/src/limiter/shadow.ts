import { isThenable } from '../http/thenable.js';
import type { Mode } from '../algorithms/types.js';
import type { Policy } from '../policies/policy.js';
import type { MaybePromise, PolicyResult } from '../store/types.js';
import type { Decision, ShadowVerdict } from './decision.js';

/** What a shadow limiter needs of the limiters deciding its parts (internal StoreLimiters). */
export interface LimiterPart {
  decideQuiet(key: string, cost: number, mode: Mode, nowMs: number | undefined): MaybePromise<Decision>;
  clearBlocked(key: string): void;
  cancelPending(error: unknown): void;
}

function verdictOf(decision: Decision): ShadowVerdict {
  return { allowed: decision.allowed, policy: decision.policy, retryAfterMs: decision.retryAfterMs, delayMs: decision.delayMs };
}

/** A whole-shadow decision: the figures as decided, never a denial or a hold; `shadow` says what would have been. */
function unenforced(decision: Decision): Decision {
  const shadowed: Decision = {
    allowed: true,
    limit: decision.limit,
    remaining: decision.remaining,
    resetAfterMs: decision.resetAfterMs,
    retryAfterMs: 0,
    delayMs: 0,
    policy: decision.policy,
    results: decision.results,
    decidedBy: decision.decidedBy,
    shadow: verdictOf(decision),
  };
  if (decision.degraded !== undefined) shadowed.degraded = decision.degraded;
  if (decision.lease !== undefined) shadowed.lease = decision.lease;
  return shadowed;
}

/**
 * Shadow mode for a limiter. A whole-shadow limiter (option `shadow: true`, or every policy in
 * shadow) makes its one store call and never denies. A limiter mixing shadow and enforced
 * policies sends them as two concurrent store calls, because a store decides all-or-nothing: in
 * one call a shadow policy's denial would stop the enforced policies from being charged. The
 * enforced part decides; the shadow part is charged and reported in `results` and `shadow`.
 */
export class Shadowing {
  /** Where each enforced / shadow policy's result goes in the limiter's policy order. */
  private readonly enforcedAt: number[] = [];
  private readonly shadowAt: number[] = [];

  constructor(
    policies: readonly Policy[],
    /** Undefined for a whole-shadow limiter. */
    private readonly enforced: LimiterPart | undefined,
    private readonly shadow: LimiterPart,
  ) {
    if (enforced !== undefined) {
      policies.forEach((policy, index) => {
        (policy.shadow === true ? this.shadowAt : this.enforcedAt).push(index);
      });
    }
  }

  /** True for a whole-shadow limiter (no enforced part): it never applies an outcome. */
  get whole(): boolean {
    return this.enforced === undefined;
  }

  /** Splits a policy list: undefined when nothing is in shadow. */
  static plan(policies: readonly Policy[], wholeLimiter: boolean): { enforced: Policy[]; shadow: Policy[] } | undefined {
    const shadow = wholeLimiter ? [...policies] : policies.filter((policy) => policy.shadow === true);
    if (shadow.length === 0) return undefined;
    return { enforced: wholeLimiter ? [] : policies.filter((policy) => policy.shadow !== true), shadow };
  }

  decide(key: string, cost: number, mode: Mode, nowMs: number | undefined): MaybePromise<Decision> {
    const shadowAnswer = this.shadow.decideQuiet(key, cost, mode, nowMs);
    const enforced = this.enforced;
    if (enforced === undefined) return isThenable(shadowAnswer) ? shadowAnswer.then(unenforced) : unenforced(shadowAnswer);
    const enforcedAnswer = enforced.decideQuiet(key, cost, mode, nowMs);
    if (!isThenable(shadowAnswer) && !isThenable(enforcedAnswer)) return this.merge(enforcedAnswer, shadowAnswer);
    return Promise.all([enforcedAnswer, shadowAnswer]).then(([e, s]) => this.merge(e, s));
  }

  clearBlocked(key: string): void {
    this.enforced?.clearBlocked(key);
    this.shadow.clearBlocked(key);
  }

  cancelPending(error: unknown): void {
    this.enforced?.cancelPending(error);
    this.shadow.cancelPending(error);
  }

  /** The enforced part's decision, with every policy's result in the limiter's order and the shadow verdict. */
  private merge(enforced: Decision, shadow: Decision): Decision {
    const results: PolicyResult[] = new Array(this.enforcedAt.length + this.shadowAt.length);
    const fromEnforced = enforced.results;
    const fromShadow = shadow.results;
    for (let i = 0; i < this.enforcedAt.length; i++) results[this.enforcedAt[i]!] = fromEnforced[i]!;
    for (let i = 0; i < this.shadowAt.length; i++) results[this.shadowAt[i]!] = fromShadow[i]!;
    const merged: Decision = {
      allowed: enforced.allowed,
      limit: enforced.limit,
      remaining: enforced.remaining,
      resetAfterMs: enforced.resetAfterMs,
      retryAfterMs: enforced.retryAfterMs,
      delayMs: enforced.delayMs,
      policy: enforced.policy,
      results,
      decidedBy: enforced.decidedBy,
      shadow: verdictOf(shadow),
    };
    if (enforced.degraded !== undefined) merged.degraded = enforced.degraded;
    if (enforced.lease !== undefined) merged.lease = enforced.lease;
    return merged;
  }
}

/**
 * The outcome and `enforced` flag of a decision event (shadow verdicts included). `whole`: a
 * whole-shadow limiter, which applies nothing, so every outcome of it is `enforced: false`.
 */
export function reportedOutcome(decision: Decision, whole: boolean): { outcome: 'allowed' | 'denied' | 'shaped'; enforced: boolean } {
  if (!decision.allowed) return { outcome: 'denied', enforced: true };
  const verdict = decision.shadow;
  if (verdict !== undefined && !verdict.allowed) return { outcome: 'denied', enforced: false };
  if (decision.delayMs > 0) return { outcome: 'shaped', enforced: true };
  if (verdict !== undefined && verdict.delayMs > 0) return { outcome: 'shaped', enforced: false };
  return { outcome: 'allowed', enforced: !whole };
}
