import { assertNonEmptyString, InvalidOptionError, isStore, type Store } from '@sluice/core';

/**
 * The stores given to `observeStore`, by the name their gauges carry. Gauges read them at
 * collect time (breaker state, memory-store size), so nothing runs between scrapes.
 */
export class ObservedStores {
  private readonly byName = new Map<string, Store>();
  private readonly names = new Map<Store, string>();

  /** Throws InvalidOptionError for a non-store, an empty name, or a name or store already observed. */
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

  entries(): IterableIterator<[string, Store]> {
    return this.byName.entries();
  }
}

/** A MemoryStore's (or any store's) numeric `size`: its stored states (client key × policy). */
export function sizeOf(store: Store): number | undefined {
  const size = (store as { size?: unknown }).size;
  return typeof size === 'number' && Number.isFinite(size) ? size : undefined;
}
