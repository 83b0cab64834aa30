import type { PolicyResult } from '../store/types.js';
import type { DecidedBy, Decision, Degraded, ShadowVerdict } from './decision.js';
import type { LeaseHandle } from './leases.js';

/** A frozen copy of one result, field by field (a literal of one shape: several times faster to freeze than a spread). */
function resultView(result: PolicyResult): PolicyResult {
  return Object.freeze({
    policy: result.policy,
    allowed: result.allowed,
    limit: result.limit,
    remaining: result.remaining,
    resetAfterMs: result.resetAfterMs,
    retryAfterMs: result.retryAfterMs,
    delayMs: result.delayMs,
  });
}

/**
 * The lease handle as a listener sees it: frozen, its methods and `released` delegating to the
 * caller's handle (a listener may release the lease, as the handle's owner may, but cannot replace
 * the methods the middleware calls).
 */
class LeaseView implements LeaseHandle {
  declare readonly id: string;
  declare readonly leaseMs?: number;
  readonly #handle: LeaseHandle;

  constructor(handle: LeaseHandle) {
    const self = this as { id: string; leaseMs?: number };
    self.id = handle.id;
    const { leaseMs } = handle as { leaseMs?: number };
    if (leaseMs !== undefined) self.leaseMs = leaseMs;
    this.#handle = handle;
    Object.freeze(this);
  }

  get released(): boolean {
    return this.#handle.released;
  }

  release(): Promise<void> {
    return this.#handle.release();
  }

  renew(): Promise<boolean> {
    return this.#handle.renew();
  }

  /** The handle's fields, `released` included, as the handle itself serializes. */
  toJSON(): { id: string; leaseMs?: number; released: boolean } {
    return { ...this, released: this.released };
  }
}

/**
 * What a 'decision' listener sees: the decision's own fields copied into a frozen instance of one
 * class (one allocation, one freeze), `results` read through a prototype getter that builds frozen
 * copies of the decision's results on first read. Metrics listeners read `policy` and `decidedBy`
 * only, so most views never copy a result. `JSON.stringify` includes `results` (through
 * `toJSON`); a spread `{ ...view }` does not (as with a memory-store decision). Optional fields
 * are own properties only when the decision has them.
 */
class DecisionView implements Decision {
  // `declare`: assigned in the constructor only (no class field initializer defining each as
  // undefined first), so the optional ones stay absent when the decision lacks them.
  declare readonly allowed: boolean;
  declare readonly limit: number;
  declare readonly remaining: number;
  declare readonly resetAfterMs: number;
  declare readonly retryAfterMs: number;
  declare readonly delayMs: number;
  declare readonly policy: string;
  declare readonly decidedBy: DecidedBy;
  declare readonly degraded?: Degraded;
  declare readonly shadow?: ShadowVerdict;
  declare readonly lease?: LeaseHandle;
  // Private fields are not properties: freezing the view leaves them writable for the cache.
  readonly #decision: Decision;
  #results: readonly PolicyResult[] | undefined;

  constructor(decision: Decision) {
    const self = this as { -readonly [K in keyof Decision]: Decision[K] };
    self.allowed = decision.allowed;
    self.limit = decision.limit;
    self.remaining = decision.remaining;
    self.resetAfterMs = decision.resetAfterMs;
    self.retryAfterMs = decision.retryAfterMs;
    self.delayMs = decision.delayMs;
    self.policy = decision.policy;
    self.decidedBy = decision.decidedBy;
    if (decision.degraded !== undefined) self.degraded = decision.degraded;
    if (decision.shadow !== undefined) self.shadow = Object.freeze({ ...decision.shadow });
    if (decision.lease !== undefined) self.lease = new LeaseView(decision.lease);
    this.#decision = decision;
    this.#results = undefined;
    Object.freeze(this);
  }

  /** Frozen copies of the decision's results, one per policy in policy order (built on first read, then kept). */
  get results(): readonly PolicyResult[] {
    if (this.#results !== undefined) return this.#results;
    const from = this.#decision.results;
    const results = new Array<PolicyResult>(from.length);
    for (let i = 0; i < from.length; i++) results[i] = resultView(from[i]!);
    this.#results = Object.freeze(results);
    return this.#results;
  }

  /** The plain Decision, `results` included (what `JSON.stringify` and logs show). */
  toJSON(): Decision {
    return { ...this, results: this.results };
  }
}

/**
 * A read-only view of `decision` for 'decision' listeners: they observe, and cannot change what
 * the caller (the middleware) acts on or what the block cache keeps. A frozen object: assigning
 * to it, or to its `results` and `shadow`, throws in strict mode and is ignored otherwise. Built
 * only while a 'decision' listener is attached; `results` are copied only when a listener reads
 * them. `lease` is a frozen handle whose methods act on the caller's lease.
 */
export function decisionView(decision: Decision): Readonly<Decision> {
  return new DecisionView(decision);
}
