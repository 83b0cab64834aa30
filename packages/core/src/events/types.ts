import type { Mode } from '../algorithms/types.js';
import type { StoreError } from '../errors.js';
import type { Decision } from '../limiter/decision.js';
import type { Store } from '../store/types.js';

/** A store's circuit breaker: `closed` calls the store, `open` does not, `half-open` lets probes through. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** One decision of `consume`, `peek` or `refund` (also made through an adapter). */
export interface DecisionEvent {
  /** The limiter's prefix. */
  prefix: string;
  /** The client key as given to the limiter. */
  key: string;
  /** 'consume', 'peek' or 'refund'. */
  mode: Mode;
  /** Units of cost. */
  cost: number;
  /**
   * What the policies decided: 'shaped' = admitted with delayMs > 0 (leaky bucket). In shadow
   * mode this is the would-be outcome over every policy; `enforced` says whether it applied.
   */
  outcome: 'allowed' | 'denied' | 'shaped';
  /**
   * False when the outcome was not applied: every decision of a whole-shadow limiter (it applies
   * nothing, not even an admission), and a shadow policy's denial (or shaping) beside enforced ones.
   */
  enforced: boolean;
  /**
   * A read-only view of the decision returned to the caller (decidedBy, degraded, results[] per
   * policy): a frozen object with the decision's fields, `results` frozen copies made on first
   * read. Listeners observe it and cannot change what the caller acts on.
   */
  decision: Decision;
  /**
   * ms the store took to answer: 0 for a synchronous store (MemoryStore), a block-cache hit or
   * an open breaker. Measured only when a listener is attached.
   */
  storeLatencyMs: number;
}

/** The failure policy (or the fallback store) decided instead of the primary store. */
export interface DegradedEvent {
  /** The limiter's prefix. */
  prefix: string;
  /** The client key as given to the limiter. */
  key: string;
  /** Why the primary store did not decide: it failed, exceeded `timeoutMs`, or its breaker is open. */
  reason: 'store-error' | 'timeout' | 'breaker-open';
  /** 'fallback': the fallback store of `onStoreError` decided; 'failure-policy': 'allow' or 'deny' did. */
  decidedBy: 'fallback' | 'failure-policy';
}

/** A store failed (the primary, role 'store', or the fallback store, role 'onStoreError'). */
export interface StoreErrorEvent {
  /** The limiter's prefix. */
  prefix: string;
  /** The store's constructor name. */
  store: string;
  /** 'store': the primary store; 'onStoreError': the fallback store. */
  role: 'store' | 'onStoreError';
  /** The failure (StoreTimeoutError for a timeout); the driver's error is its `cause`. */
  error: StoreError;
}

/** The circuit breaker of the limiter's store changed state. */
export interface BreakerEvent {
  /** The store's constructor name. */
  store: string;
  /** The store object itself: tells two stores of one class apart (`event.instance === limiter.store`). */
  instance: Store;
  /** The state before. */
  from: BreakerState;
  /** The state now. */
  to: BreakerState;
}

/** A request was denied by the limiter's block cache, without a store call. */
export interface BlockCacheHitEvent {
  /** The limiter's prefix. */
  prefix: string;
  /** The client key as given to the limiter. */
  key: string;
  /** ms until the cached denial lapses. */
  retryAfterMs: number;
}

/** Each limiter event's name and the payload its listeners get. */
export interface LimiterEventMap {
  /** Every decision of consume, peek or refund. */
  decision: DecisionEvent;
  /** The failure policy or fallback store decided instead of the primary store. */
  degraded: DegradedEvent;
  /** A store (primary or fallback) failed. */
  storeError: StoreErrorEvent;
  /** The store's circuit breaker changed state. */
  breaker: BreakerEvent;
  /** The block cache denied a request without a store call. */
  blockCacheHit: BlockCacheHitEvent;
}
/** 'decision' | 'degraded' | 'storeError' | 'breaker' | 'blockCacheHit'. */
export type LimiterEventName = keyof LimiterEventMap;

/**
 * A limiter's events, shared by the limiter and every sibling `withPolicies()` builds from it
 * (so an adapter's per-request policy sets report to the same listeners).
 */
export interface LimiterEvents {
  /**
   * Adds `listener`; returns a function that removes it. A listener that throws or rejects never
   * reaches the caller: it goes to the limiter's `onWarning` (code SLUICE_CALLBACK_THREW), once per listener.
   * Throws InvalidOptionError (ERR_SLUICE_INVALID_OPTION) for an unknown event or a non-function.
   */
  on<E extends LimiterEventName>(event: E, listener: (event: LimiterEventMap[E]) => void): () => void;
  /** Removes `listener` (every registration of it); a listener not registered is ignored. */
  off<E extends LimiterEventName>(event: E, listener: (event: LimiterEventMap[E]) => void): void;
}
