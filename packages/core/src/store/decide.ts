import { evaluatePolicy } from '../algorithms/evaluate.js';
import type { Evaluation, PolicyState } from '../algorithms/types.js';
import type { PolicyResult, StoreRequest } from './types.js';
import { resultOf } from './results.js';
import { decideWithPenalty } from './decide-penalty.js';

/** Where `decide` reads and writes states, keyed by `<base>:<policyId>`. */
export interface StateTable {
  /** The state under `key`, or undefined when there is none (or it expired). */
  get(key: string): PolicyState | undefined;
  /** Stores `state` under `key`. */
  set(key: string, state: PolicyState): unknown;
  /** Forgets `key`. */
  delete(key: string): unknown;
}

/**
 * All-or-nothing over every policy of a request, synchronously: evaluate all, then write
 * all only if the request commits (consume: every policy allowed; refund, release, renew: always;
 * peek: never).
 */
export function decide(table: StateTable, request: StoreRequest, nowUs: number): PolicyResult[] {
  const { policies, cost, mode, key, lease } = request;
  // A penalty watches the other policies' answer (store/decide-penalty.ts).
  const penaltyAt = policies.findIndex((policy) => policy.algorithm === 'penalty');
  if (penaltyAt >= 0) return decideWithPenalty(table, request, nowUs, penaltyAt, decide);
  const count = policies.length;
  const keys: string[] = new Array(count);
  const evaluations: Evaluation[] = new Array(count);
  let allowed = true;
  for (let i = 0; i < count; i++) {
    const policy = policies[i]!;
    const stateKey = key + ':' + policy.id;
    keys[i] = stateKey;
    const evaluation = evaluatePolicy(policy, table.get(stateKey), nowUs, cost, mode, lease);
    evaluations[i] = evaluation;
    if (!evaluation.allowed) allowed = false;
  }
  // A lease operation commits like a refund: rate policies read it as a peek and keep their state.
  const commit = mode === 'consume' ? allowed : mode !== 'peek';
  const results: PolicyResult[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const policy = policies[i]!;
    let evaluation = evaluations[i]!;
    if (commit) {
      if (evaluation.next === undefined) table.delete(keys[i]!);
      else table.set(keys[i]!, evaluation.next);
    } else if (mode === 'consume' && evaluation.allowed) {
      // Another policy denied, so nothing is charged: report this one as a peek would.
      evaluation = evaluatePolicy(policy, table.get(keys[i]!), nowUs, cost, 'peek', lease);
    }
    results[i] = resultOf(policy, evaluation);
  }
  return results;
}
