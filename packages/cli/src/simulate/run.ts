import { createLimiter, type Decision, MemoryStore } from '@sluice/core';
import type { PolicySpec } from '../policies.js';
import type { Traffic } from '../traffic/types.js';

/** Per request of a traffic: what one policy decided. */
export interface Outcome {
  /** 0 denied, 1 admitted at once, 2 admitted with a shaping delay (leaky bucket). */
  readonly status: Uint8Array;
  /** The decision's `delayMs` per request (0 unless shaped). */
  readonly delayMs: Float64Array;
}

/** Outcome.status of a denied request. */
export const DENIED = 0;
/** Outcome.status of a request admitted at once. */
export const ADMITTED = 1;
/** Outcome.status of a request admitted with a shaping delay (leaky bucket). */
export const SHAPED = 2;

/**
 * Runs `traffic` through a limiter with this one policy on a fresh MemoryStore, the store's
 * clock driven by each request's time (`nowMs`): the real algorithm, a virtual clock, no sleeping.
 * Each request costs 1. Synchronous: the memory store decides without a promise.
 */
export function simulatePolicy(traffic: Traffic, spec: PolicySpec): Outcome {
  const n = traffic.timesUs.length;
  // Room for every client: the store must never evict a live state, or the simulation would lie.
  const store = new MemoryStore({ maxKeys: Math.max(1_000_000, traffic.keys.length + 1) });
  const limiter = createLimiter({ store, policies: [spec.policy] });
  const status = new Uint8Array(n);
  const delayMs = new Float64Array(n);
  const { timesUs, keyIds, keys, epochMs } = traffic;
  try {
    for (let i = 0; i < n; i++) {
      const decision = limiter.decide(keys[keyIds[i]!]!, 1, 'consume', epochMs + timesUs[i]! / 1000) as Decision;
      if (decision.allowed) {
        status[i] = decision.delayMs > 0 ? SHAPED : ADMITTED;
        delayMs[i] = decision.delayMs;
      }
    }
  } finally {
    void limiter.close();
  }
  return { status, delayMs };
}
