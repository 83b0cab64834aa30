/**
 * A WeakMap shared by every copy of @sluice/core loaded in the process (the ESM and the CJS
 * build side by side, when an app mixes `import` and `require`): created once and kept on
 * `globalThis` under `Symbol.for(key)`, so per-store state (a store's breaker, its health) is
 * one per store, not one per copy. `key` is versioned (e.g. 'sluice.core.breakers.v1'): a copy
 * whose values have another shape must use another key, and then keeps its own map.
 */
export function sharedWeakMap<K extends object, V>(key: string): WeakMap<K, V> {
  const symbol = Symbol.for(key);
  const existing = (globalThis as Record<symbol, unknown>)[symbol];
  if (existing instanceof WeakMap) return existing as WeakMap<K, V>;
  const map = new WeakMap<K, V>();
  // Not enumerable, not writable: invisible to code walking globalThis, and never replaced.
  Object.defineProperty(globalThis, symbol, { value: map, enumerable: false, writable: false, configurable: false });
  return map;
}
