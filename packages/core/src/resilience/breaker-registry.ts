import type { BreakerEvent, BreakerState } from '../events/types.js';
import type { Store } from '../store/types.js';

/**
 * Per store (not per limiter): every limiter on one store shares its breaker, and the event hubs
 * of limiters listening for 'breaker' events subscribe here. WeakMaps, so a dropped store is
 * collected with its breaker.
 */
export interface BreakerView {
  readonly state: BreakerState;
}

const breakers = new WeakMap<Store, BreakerView>();
const watchers = new WeakMap<Store, Set<(event: BreakerEvent) => void>>();

export function registerBreaker(store: Store, breaker: BreakerView): void {
  breakers.set(store, breaker);
}

export function registeredBreaker<B extends BreakerView>(store: Store): B | undefined {
  return breakers.get(store) as B | undefined;
}

/** The breaker state of `store`: 'closed' when no limiter has built a breaker for it yet. */
export function breakerStateOf(store: Store): BreakerState {
  return breakers.get(store)?.state ?? 'closed';
}

/** Calls `watcher` on every state change of `store`'s breaker; returns the unsubscribe function. */
export function watchBreaker(store: Store, watcher: (event: BreakerEvent) => void): () => void {
  let set = watchers.get(store);
  if (set === undefined) {
    set = new Set();
    watchers.set(store, set);
  }
  set.add(watcher);
  return () => {
    set.delete(watcher);
  };
}

/** Tells every watcher of `store` (their hubs contain listener failures). */
export function announceBreaker(store: Store, event: BreakerEvent): void {
  const set = watchers.get(store);
  if (set === undefined) return;
  for (const watcher of [...set]) watcher(event);
}
