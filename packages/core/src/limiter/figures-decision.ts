import type { Policy } from '../policies/policy.js';
import type { PolicyResult } from '../store/types.js';
import type { DecidedBy, Decision, Degraded } from './decision.js';

/**
 * Per-policy figures as a store computes them, RESULT_FIELDS numbers per policy in policy
 * order: allowed (1/0), remaining (units of cost), resetAfterUs, retryAfterUs (Infinity for
 * never), delayUs (µs).
 */
export type Figures = Float64Array;

function ms(us: number): number {
  return Math.ceil(us / 1000); // Infinity stays Infinity
}

function resultAt(policy: Policy, figures: Figures, at: number): PolicyResult {
  return {
    policy: policy.name,
    allowed: figures[at] === 1,
    limit: policy.limit,
    remaining: figures[at + 1]!,
    resetAfterMs: ms(figures[at + 2]!),
    retryAfterMs: ms(figures[at + 3]!),
    delayMs: ms(figures[at + 4]!),
  };
}

/** The PolicyResults of `figures`, one per policy, in policy order. */
export function resultsOf(policies: readonly Policy[], figures: Figures): PolicyResult[] {
  const results: PolicyResult[] = new Array(policies.length);
  for (let i = 0; i < policies.length; i++) results[i] = resultAt(policies[i]!, figures, i * 5);
  return results;
}

/**
 * A Decision built straight from a store's figures: one object per decision, its per-policy
 * `results` built on first read (a getter; `JSON.stringify` includes them through `toJSON`).
 * Combines like `combineResults`: the denying policy with the latest retry binds, else the
 * allowing one with the fewest remaining (ties: the later reset).
 */
export class FiguresDecision implements Decision {
  // `declare`: assigned once in the constructor, not first defined as undefined by a class
  // field initializer (one store per field, and number fields keep a number representation).
  declare allowed: boolean;
  declare limit: number;
  declare remaining: number;
  declare resetAfterMs: number;
  declare retryAfterMs: number;
  declare delayMs: number;
  declare policy: string;
  declare decidedBy: DecidedBy;
  declare degraded?: Degraded;
  readonly #policies: readonly Policy[];
  /** A copy of the figures when several policies decided; one policy's are the fields themselves. */
  readonly #figures: Figures | undefined;
  #results: readonly PolicyResult[] | undefined;

  /** `figures` is read now (the caller may reuse it); several policies' figures are copied. */
  constructor(policies: readonly Policy[], figures: Figures) {
    this.#policies = policies;
    this.#results = undefined;
    if (policies.length === 1) {
      const only = policies[0]!;
      this.#figures = undefined;
      this.allowed = figures[0] === 1;
      this.limit = only.limit;
      this.remaining = figures[1]!;
      this.resetAfterMs = ms(figures[2]!);
      this.retryAfterMs = ms(figures[3]!);
      this.delayMs = ms(figures[4]!);
      this.policy = only.name;
      this.decidedBy = 'store';
      return;
    }
    const copy = figures.slice(0, policies.length * 5);
    this.#figures = copy;
    let binding = -1;
    let denied = -1;
    let delayUs = 0;
    let idle = -1; // an allowing penalty: binds only when nothing else allows (combineResults)
    for (let i = 0, at = 0; i < policies.length; i++, at += 5) {
      if (copy[at] !== 1) {
        if (denied < 0 || ms(copy[at + 3]!) > ms(copy[denied + 3]!)) denied = at;
      } else if (policies[i]!.algorithm === 'penalty') {
        idle = at;
      } else if (
        binding < 0 ||
        copy[at + 1]! < copy[binding + 1]! ||
        (copy[at + 1] === copy[binding + 1] && ms(copy[at + 2]!) > ms(copy[binding + 2]!))
      ) {
        binding = at;
      }
      if (copy[at + 4]! > delayUs) delayUs = copy[at + 4]!;
    }
    const chosen = denied >= 0 ? denied : binding >= 0 ? binding : idle;
    const policy = policies[chosen / 5]!;
    this.allowed = denied < 0;
    this.limit = policy.limit;
    this.remaining = copy[chosen + 1]!;
    this.resetAfterMs = ms(copy[chosen + 2]!);
    this.retryAfterMs = denied < 0 ? 0 : ms(copy[denied + 3]!);
    this.delayMs = denied < 0 ? ms(delayUs) : 0;
    this.policy = policy.name;
    this.decidedBy = 'store';
  }

  /** One per policy, in the limiter's policy order (built on first read, then kept). */
  get results(): readonly PolicyResult[] {
    if (this.#results !== undefined) return this.#results;
    const policies = this.#policies;
    const figures = this.#figures;
    let results: PolicyResult[];
    if (figures === undefined) {
      const only = policies[0]!;
      results = [
        {
          policy: only.name,
          allowed: this.allowed,
          limit: only.limit,
          remaining: this.remaining,
          resetAfterMs: this.resetAfterMs,
          retryAfterMs: this.retryAfterMs,
          delayMs: this.delayMs,
        },
      ];
    } else {
      results = resultsOf(policies, figures);
    }
    this.#results = results;
    return results;
  }

  /** The plain Decision, `results` included (what `JSON.stringify` and logs show). */
  toJSON(): Decision {
    const plain: Decision = {
      allowed: this.allowed,
      limit: this.limit,
      remaining: this.remaining,
      resetAfterMs: this.resetAfterMs,
      retryAfterMs: this.retryAfterMs,
      delayMs: this.delayMs,
      policy: this.policy,
      results: this.results,
      decidedBy: this.decidedBy,
    };
    if (this.degraded !== undefined) plain.degraded = this.degraded;
    return plain;
  }
}
