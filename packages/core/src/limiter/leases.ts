import { randomBytes } from 'node:crypto';
import type { StoreMode } from '../algorithms/types.js';
import { StoreTimeoutError, toStoreError } from '../errors.js';
import { isThenable } from '../http/thenable.js';
import type { ConcurrencyPolicy, Policy } from '../policies/policy.js';
import { baseKey } from '../store/keys.js';
import type { BoundStore, MaybePromise, PolicyResult, Store } from '../store/types.js';
import { combineResults, type Decision } from './decision.js';
import type { LimiterSettings } from './options.js';

/**
 * What an admitted request holds under the limiter's concurrency policies
 * (`decision.lease`, set only when the decision admitted a request of a limiter with a
 * concurrency policy, decided by a store: never on a failure-policy decision).
 */
export interface LeaseHandle {
  /** The lease id the store keeps (unique per request: a per-process random prefix and a counter). */
  readonly id: string;
  /**
   * The shortest `leaseMs` of the limiter's concurrency policies: renew more often than this to
   * keep the lease. Set on the limiter's own handle (an events listener's view may omit it).
   */
  readonly leaseMs?: number;
  /** True once `release()` was called. */
  readonly released: boolean;
  /**
   * Gives the lease back: one store call (mode 'release', the concurrency policies only; rate
   * policies are untouched). Idempotent: later calls return the first call's promise. Rejects
   * with a StoreError (ERR_SLUICE_STORE, ERR_SLUICE_STORE_TIMEOUT after the limiter's
   * `timeoutMs`) when the store fails; the lease then lapses by itself after `leaseMs`.
   */
  release(): Promise<void>;
  /**
   * Extends the lease to now + `leaseMs` (one store call, mode 'renew'), for requests that run
   * longer than `leaseMs`. Resolves true when extended; false when the lease was no longer held
   * (it lapsed or was released: it is not taken again). Rejects with a StoreError like `release`.
   */
  renew(): Promise<boolean>;
}

/** Weight of the newest hold time in the moving average. */
const EWMA_WEIGHT = 0.2;
/** The Retry-After estimate before any lease of the limiter was released: 1 s (the header's least). */
export const DEFAULT_HOLD_ESTIMATE_MS = 1_000;

// Per process: 72 random bits, then a counter. Unique across processes without a round trip.
const PROCESS_PREFIX = randomBytes(9).toString('base64url');
let leaseCounter = 0;

/** A fresh lease id: printable ASCII, at most 64 characters. */
export function newLeaseId(): string {
  leaseCounter += 1;
  return PROCESS_PREFIX + '.' + leaseCounter.toString(36);
}

function isConcurrency(policy: Policy): policy is ConcurrencyPolicy {
  return policy.algorithm === 'concurrency';
}

/** Runs `promise` against `timeoutMs`; rejects with StoreTimeoutError when it is late. */
function bounded<T>(promise: PromiseLike<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreTimeoutError(timeoutMs)), timeoutMs);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * A limiter's part in concurrency: makes lease ids, attaches a LeaseHandle to admitting
 * decisions, sends release and renew to the store that admitted (the primary, or the fallback
 * store), and turns a concurrency denial's worst-case retry (every lease held to its expiry)
 * into an estimate from the hold times it has seen released (an EWMA, capped by that worst case).
 */
export class Leases {
  /** The limiter's concurrency policies, in order: the only policies a lease operation sends. */
  readonly policies: readonly ConcurrencyPolicy[];
  private readonly names: ReadonlySet<string>;
  private readonly bound: BoundStore | undefined;
  private readonly leaseMs: number;
  private holdMs: number | undefined;

  private constructor(
    private readonly settings: LimiterSettings,
    policies: readonly ConcurrencyPolicy[],
  ) {
    this.policies = Object.freeze([...policies]);
    this.names = new Set(policies.map((policy) => policy.name));
    this.leaseMs = Math.min(...policies.map((policy) => policy.leaseMs));
    const store = settings.store;
    this.bound = typeof store.bind === 'function' ? (store.bind({ prefix: settings.prefix, policies: this.policies }) ?? undefined) : undefined;
  }

  /** The limiter's Leases, or undefined when none of its policies is a concurrency policy. */
  static of(settings: LimiterSettings, policies: readonly Policy[]): Leases | undefined {
    const leased = policies.filter(isConcurrency);
    return leased.length === 0 ? undefined : new Leases(settings, leased);
  }

  /**
   * True when a concurrency policy denied `decision`: any release may end such a denial, so
   * no cache may repeat it until its retryAfterMs (the block cache skips it).
   */
  deniedByLease(decision: Decision): boolean {
    if (decision.allowed) return false;
    for (const result of decision.results) if (!result.allowed && this.names.has(result.policy)) return true;
    return false;
  }

  /** The average hold time seen so far (ms), or undefined before the first release. */
  get averageHoldMs(): number | undefined {
    return this.holdMs;
  }

  /**
   * Decides a consume with a fresh lease id through `decide` (the limiter's own path, so timeouts,
   * the failure policy and events apply), then attaches the lease or the denial's estimate.
   */
  consume(
    key: string,
    cost: number,
    decide: (lease: string) => MaybePromise<Decision>,
  ): MaybePromise<Decision> {
    const id = newLeaseId();
    const answer = decide(id);
    if (isThenable(answer)) return answer.then((decision) => this.settle(decision, key, cost, id));
    return this.settle(answer, key, cost, id);
  }

  private settle(decision: Decision, key: string, cost: number, id: string): Decision {
    if (decision.decidedBy === 'failure-policy') return decision;
    if (!decision.allowed) return this.estimated(decision);
    const store = decision.decidedBy === 'fallback' && typeof this.settings.onStoreError === 'object' ? this.settings.onStoreError : undefined;
    decision.lease = this.handle(key, cost, id, store);
    return decision;
  }

  /** A denial with each concurrency result's retry replaced by the estimate (never later than the store's figure). */
  private estimated(decision: Decision): Decision {
    const estimate = Math.ceil(this.holdMs ?? DEFAULT_HOLD_ESTIMATE_MS);
    let changed = false;
    const results: PolicyResult[] = decision.results.map((result) => {
      if (result.allowed || !this.names.has(result.policy) || !(result.retryAfterMs > estimate)) return result;
      changed = true;
      return { ...result, retryAfterMs: result.retryAfterMs === Infinity ? Infinity : estimate };
    });
    if (!changed) return decision;
    const estimatedDecision = combineResults(results);
    estimatedDecision.decidedBy = decision.decidedBy;
    if (decision.degraded !== undefined) estimatedDecision.degraded = decision.degraded;
    return estimatedDecision;
  }

  /** `fallback`: the fallback store that admitted (undefined: the primary). */
  private handle(key: string, cost: number, id: string, fallback: Store | undefined): LeaseHandle {
    const started = performance.now();
    let releasing: Promise<void> | undefined;
    const leases = this;
    return {
      id,
      leaseMs: this.leaseMs,
      get released() {
        return releasing !== undefined;
      },
      release() {
        releasing ??= leases.call(key, cost, id, 'release', fallback).then(() => leases.observe(performance.now() - started));
        return releasing;
      },
      renew() {
        if (releasing !== undefined) return Promise.resolve(false);
        return leases.call(key, cost, id, 'renew', fallback).then((results) => results.every((result) => result.allowed));
      },
    };
  }

  private observe(heldMs: number): void {
    this.holdMs = this.holdMs === undefined ? heldMs : this.holdMs + EWMA_WEIGHT * (heldMs - this.holdMs);
  }

  /** One lease operation on the store that admitted, bounded by the limiter's timeoutMs. */
  private async call(key: string, cost: number, id: string, mode: StoreMode, fallback: Store | undefined): Promise<readonly PolicyResult[]> {
    const { timeoutMs } = this.settings;
    try {
      let answer: MaybePromise<readonly PolicyResult[] | Decision>;
      if (fallback === undefined && this.bound !== undefined) answer = this.bound.decide(key, cost, mode, undefined, id);
      else {
        const store = fallback ?? this.settings.store;
        answer = store.consume({ key: baseKey(this.settings.prefix, key), policies: this.policies, cost, mode, lease: id });
      }
      const settled = isThenable(answer) ? await bounded(answer, timeoutMs) : answer;
      return Array.isArray(settled) ? settled : (settled as Decision).results;
    } catch (error) {
      throw toStoreError(error);
    }
  }
}
