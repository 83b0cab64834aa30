import { decide, msToMicros, type PolicyResult, type PolicyState, type StoreRequest } from '@sluice/core';

/** Core's reference model over a Map: what every store must answer, on the request's clock. */
export class ReferenceModel {
  private readonly states = new Map<string, PolicyState>();

  consume(request: StoreRequest & { nowMs: number }): PolicyResult[] {
    return decide(this.states, request, msToMicros(request.nowMs));
  }
}
