import type { BreakerEvent, BreakerState } from '../events/types.js';
import type { Store } from '../store/types.js';
import { sharedWeakMap } from './shared-registry.js';
import { InvalidOptionError } from '../errors.js';
import { isStore } from '../limiter/recognise.js';

/**
 * Per store (not per limiter): every limiter on one store shares its breaker, and the event hubs
 * of limiters listening for 'breaker' events subscribe here. WeakMaps, so a dropped store is
 * collected with its breaker; shared by every copy of @sluice/core in the process (ESM and CJS),
 * so limiters of both copies on one store share one breaker and `breakerStateOf` of either copy
 * reads it. The '.v1' keys fix the shapes below (and Breaker's admits/success/failure/options);
 * a copy that changes them must bump the key.
 */
export interface BreakerView {
  readonly state: BreakerState;
}

const breakers = sharedWeakMap<Store, BreakerView>('sluice.core.breakers.v1');
const watchers = sharedWeakMap<Store, Set<(event: BreakerEvent) => void>>('sluice.core.breakerWatchers.v1');

export function registerBreaker(store: Store, breaker: BreakerView): void {
  breakers.set(store, breaker);
}

export function registeredBreaker<B extends BreakerView>(store: Store): B | undefined {
  return breakers.get(store) as B | undefined;
}

/**
 * The breaker state of `store`: 'closed' when no limiter has built a breaker for it yet. Throws
 * InvalidOptionError (ERR_SLUICE_INVALID_OPTION, option 'store') for a value that is not a Store.
 */
export function breakerStateOf(store: Store): BreakerState {
  if (!isStore(store)) throw new InvalidOptionError('store', store, 'a Store (consume, reset and algorithms)');
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
