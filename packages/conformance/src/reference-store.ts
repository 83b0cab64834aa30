import { ALGORITHMS, decide, msToMicros, type PolicyResult, type PolicyState, type Store, type StoreRequest } from '@sluice/core';

/**
 * Core's reference model as a store: the pure algorithms over a plain Map, on the caller's
 * clock only. Every other store is compared against it.
 */
export class ReferenceStore implements Store {
  readonly algorithms = ALGORITHMS;
  private readonly states = new Map<string, PolicyState>();

  /** Decides every policy for the key on `request.nowMs` (required: throws an Error without it). */
  consume(request: StoreRequest): PolicyResult[] {
    if (request.nowMs === undefined) throw new Error('ReferenceStore needs nowMs: it has no clock of its own.');
    return decide(this.states, request, msToMicros(request.nowMs));
  }

  reset(key: string, policies: StoreRequest['policies']): void {
    for (const policy of policies) this.states.delete(key + ':' + policy.id);
  }
}
