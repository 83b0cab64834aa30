import {
  ALGORITHMS,
  ALL_ALGORITHMS,
  decide,
  MemoryStore,
  msToMicros,
  StoreError,
  type PolicyResult,
  type PolicyState,
  type Store,
  type StoreRequest,
} from '@sluice/core';

/** Admits one request too many per key: the classic `<=` vs `<` slip. */
export class OffByOneStore implements Store {
  readonly algorithms = ALGORITHMS;
  private readonly inner = new MemoryStore();
  private readonly bonusUsed = new Set<string>();

  consume(request: StoreRequest): PolicyResult[] {
    const results = this.inner.consume(request);
    if (request.mode !== 'consume' || results.every((r) => r.allowed) || this.bonusUsed.has(request.key)) return results;
    this.bonusUsed.add(request.key);
    return results.map((r) => ({ ...r, allowed: true, remaining: 0, retryAfterMs: 0 }));
  }
  reset(key: string, policies: StoreRequest['policies']): void {
    this.inner.reset(key, policies);
  }
}

/** Reads, awaits (as a network store between GET and SET would), then writes: races over-admit. */
export class NonAtomicStore implements Store {
  readonly algorithms = ALGORITHMS;
  private readonly states = new Map<string, PolicyState>();

  async consume(request: StoreRequest): Promise<PolicyResult[]> {
    const snapshot = new Map<string, PolicyState>();
    for (const policy of request.policies) {
      const key = request.key + ':' + policy.id;
      const state = this.states.get(key);
      if (state !== undefined) snapshot.set(key, structuredClone(state));
    }
    await new Promise((resolve) => setImmediate(resolve));
    const results = decide(snapshot, request, msToMicros(request.nowMs ?? Date.now()));
    for (const policy of request.policies) {
      const key = request.key + ':' + policy.id;
      const state = snapshot.get(key);
      if (state === undefined) this.states.delete(key);
      else this.states.set(key, state);
    }
    return results;
  }
  reset(key: string, policies: StoreRequest['policies']): void {
    for (const policy of policies) this.states.delete(key + ':' + policy.id);
  }
}

/** Decides each policy on its own, so a denial by one still charges the others. */
export class PartialChargeStore implements Store {
  readonly algorithms = ALGORITHMS;
  private readonly inner = new MemoryStore();

  consume(request: StoreRequest): PolicyResult[] {
    return request.policies.flatMap((policy) => this.inner.consume({ ...request, policies: [policy] }));
  }
  reset(key: string, policies: StoreRequest['policies']): void {
    this.inner.reset(key, policies);
  }
}

/** Treats peek as consume. */
export class ChargingPeekStore implements Store {
  readonly algorithms = ALGORITHMS;
  private readonly inner = new MemoryStore();

  consume(request: StoreRequest): PolicyResult[] {
    return this.inner.consume(request.mode === 'peek' ? { ...request, mode: 'consume' } : request);
  }
  reset(key: string, policies: StoreRequest['policies']): void {
    this.inner.reset(key, policies);
  }
}

/** Compares keys case-insensitively, as a SQL store with a `_ci` collation would. */
export class CaseFoldingStore implements Store {
  readonly algorithms = ALGORITHMS;
  private readonly inner = new MemoryStore();

  consume(request: StoreRequest): PolicyResult[] {
    return this.inner.consume({ ...request, key: request.key.toLowerCase() });
  }
  reset(key: string, policies: StoreRequest['policies']): void {
    this.inner.reset(key.toLowerCase(), policies);
  }
}

/** Fails on any key outside Latin-1, as a store on a single-byte column encoding would. */
export class Latin1Store implements Store {
  readonly algorithms = ALGORITHMS;
  private readonly inner = new MemoryStore();

  consume(request: StoreRequest): PolicyResult[] {
    if (/[^\u0000-\u00ff]/.test(request.key)) throw new StoreError('character not in Latin-1');
    return this.inner.consume(request);
  }
  reset(key: string, policies: StoreRequest['policies']): void {
    this.inner.reset(key, policies);
  }
}

/** Answers a lease release without giving the lease back (the units stay held until leaseMs). */
export class IgnoredReleaseStore implements Store {
  readonly algorithms = ALL_ALGORITHMS;
  private readonly inner = new MemoryStore();

  consume(request: StoreRequest): PolicyResult[] {
    if (request.mode !== 'release') return this.inner.consume(request);
    return this.inner.consume({ ...request, mode: 'peek' }).map((r) => ({ ...r, allowed: true }));
  }
  reset(key: string, policies: StoreRequest['policies']): void {
    this.inner.reset(key, policies);
  }
}

/** Admits a lease whenever one unit is free but records only every other one: over-admits. */
export class UnchargedLeaseStore implements Store {
  readonly algorithms = ALL_ALGORITHMS;
  private readonly inner = new MemoryStore();
  private taken = 0;

  consume(request: StoreRequest): PolicyResult[] {
    if (request.mode !== 'consume' || request.lease === undefined || ++this.taken % 2 === 1) return this.inner.consume(request);
    return this.inner.consume({ ...request, mode: 'peek' });
  }
  reset(key: string, policies: StoreRequest['policies']): void {
    this.inner.reset(key, policies);
  }
}
