import { baseKey, type Policy, type PolicyResult, type Store, type StoreMode, type StoreRequest } from '@sluice/core';
import type { ConformanceOptions } from './options.js';

/** Day-aligned epoch (ms) the fake clock starts from, so aligned windows start at offset 0. */
export const T0 = 1_700_006_400_000;

let namespaceCounter = 0;

/** What every suite gets: the shared store, fresh keys, and a one-line way to call the store. */
export interface SuiteContext {
  readonly options: ConformanceOptions;
  store(): Store;
  /** A namespace (key prefix) no other test uses. */
  freshNamespace(): string;
  /** A base key no other test uses. */
  freshKey(label?: string): string;
  /** One store call at T0 + atMs; `lease`: the lease id (concurrency policies). */
  call(key: string, policies: readonly Policy[], atMs: number, cost?: number, mode?: StoreMode, lease?: string): Promise<PolicyResult[]>;
}

export function createContext(options: ConformanceOptions, getStore: () => Store): SuiteContext {
  const run = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  return {
    options,
    store: getStore,
    freshNamespace() {
      namespaceCounter += 1;
      return `sluice-conformance-${run}-${namespaceCounter}`;
    },
    freshKey(label = 'k') {
      return baseKey(this.freshNamespace(), label);
    },
    async call(key, policies, atMs, cost = 1, mode = 'consume', lease = undefined) {
      const request: StoreRequest = { key, policies, cost, mode, nowMs: T0 + atMs };
      if (lease !== undefined) request.lease = lease;
      return [...(await getStore().consume(request))];
    },
  };
}
