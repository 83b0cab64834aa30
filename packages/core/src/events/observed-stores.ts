import { InvalidOptionError } from '../errors.js';
import { isStore } from '../limiter/recognise.js';
import type { Store } from '../store/types.js';
import { assertNonEmptyString } from '../validate.js';

/**
 * Stores a metrics package reports gauges for, by the name the gauges carry (`observeStore(store,
 * name)`). Gauges read them at collect time (breaker state, memory-store size), so nothing runs
 * between scrapes.
 */
export class ObservedStores {
  private readonly byName = new Map<string, Store>();
  private readonly names = new Map<Store, string>();

  /**
   * Adds `store` under `name`; returns the function that removes it. Throws InvalidOptionError
   * (ERR_SLUICE_INVALID_OPTION; option `store` or `name`) for a non-store, an empty name, or a
   * name or store already observed.
   */
  add(store: unknown, name: unknown): () => void {
    if (!isStore(store)) throw new InvalidOptionError('store', store, 'a Store (consume, reset and algorithms)');
    const label = assertNonEmptyString(name, 'name');
    if (this.byName.has(label)) throw new InvalidOptionError('name', label, 'a name not given to another observed store');
    if (this.names.has(store)) throw new InvalidOptionError('store', store, `a store not observed yet (it is observed as '${this.names.get(store)}')`);
    this.byName.set(label, store);
    this.names.set(store, label);
    return () => {
      if (this.byName.get(label) !== store) return;
      this.byName.delete(label);
      this.names.delete(store);
    };
  }

  /** The name `store` was observed under, if any. */
  nameOf(store: Store | undefined): string | undefined {
    return store === undefined ? undefined : this.names.get(store);
  }

  /** [name, store] pairs, in the order they were added. */
  entries(): IterableIterator<[string, Store]> {
    return this.byName.entries();
  }
}

/** A MemoryStore's (or any store's) numeric `size`, its stored states (client key × policy); undefined for a store without one. */
export function storeSize(store: Store): number | undefined {
  const size = (store as { size?: unknown }).size;
  return typeof size === 'number' && Number.isFinite(size) ? size : undefined;
}
