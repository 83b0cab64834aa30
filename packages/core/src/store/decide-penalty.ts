import { evaluatePenalty, penaltyBlockLeft } from '../algorithms/penalty.js';
import type { PenaltyState } from '../algorithms/types.js';
import type { PenaltyPolicy } from '../policies/policy.js';
import type { StateTable } from './decide.js';
import { resultOf } from './results.js';
import type { PolicyResult, StoreRequest } from './types.js';

/**
 * `decide` for a request whose policy `at` is a penalty, in the same synchronous section:
 * a blocked key's consume is reported as a peek of the other policies (nothing charged) plus
 * the penalty's denial; otherwise the other policies decide all-or-nothing as usual, and a
 * consume they deny is a strike, the one write a denied consume makes (the penalty's own state).
 */
export function decideWithPenalty(
  table: StateTable,
  request: StoreRequest,
  nowUs: number,
  at: number,
  decideOthers: (table: StateTable, request: StoreRequest, nowUs: number) => PolicyResult[],
): PolicyResult[] {
  const { policies, mode, key } = request;
  const policy = policies[at] as PenaltyPolicy;
  const stateKey = key + ':' + policy.id;
  const state = table.get(stateKey) as PenaltyState | undefined;
  const blocked = mode === 'consume' && penaltyBlockLeft(state, nowUs) > 0;
  const others = policies.filter((_, index) => index !== at);
  const results = others.length === 0 ? [] : decideOthers(table, { ...request, policies: others, mode: blocked ? 'peek' : mode }, nowUs);
  const othersDenied = mode === 'consume' && !blocked && results.some((result) => !result.allowed);
  const evaluation = evaluatePenalty(policy, state, nowUs, mode, othersDenied);
  if (mode !== 'peek' && evaluation.next !== state) {
    if (evaluation.next === undefined) table.delete(stateKey);
    else table.set(stateKey, evaluation.next);
  }
  results.splice(at, 0, resultOf(policy, evaluation));
  return results;
}
