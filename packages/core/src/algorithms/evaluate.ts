import type { Policy, RateAlgorithm } from '../policies/policy.js';
import { evaluateLeakyBucket, evaluateTokenBucket } from './buckets.js';
import { evaluateConcurrency } from './concurrency.js';
import { evaluateFixedWindow } from './fixed-window.js';
import { evaluateSlidingLog } from './sliding-log.js';
import { evaluateSlidingWindow } from './sliding-window.js';
import { evaluatePenalty } from './penalty.js';
import type { ConcurrencyState, Evaluate, Evaluation, PenaltyState, PolicyState, StoreMode } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: one table of evaluators whose policy and state types differ per algorithm
const EVALUATORS: Record<RateAlgorithm, Evaluate<any, any>> = {
  'fixed-window': evaluateFixedWindow,
  'sliding-window': evaluateSlidingWindow,
  'sliding-log': evaluateSlidingLog,
  'token-bucket': evaluateTokenBucket,
  'leaky-bucket': evaluateLeakyBucket,
};

/**
 * The reference model of one policy: pure, no clock, no I/O. `lease` is the request's lease
 * id (concurrency policies only). Rate policies read a lease operation ('release', 'renew')
 * as a peek: it never charges or refunds them. A penalty evaluated alone sees no denial by
 * other policies (`othersDenied` false); stores call `evaluatePenalty` with the real answer.
 */
export function evaluatePolicy(
  policy: Policy,
  state: PolicyState | undefined,
  nowUs: number,
  cost: number,
  mode: StoreMode,
  lease?: string,
): Evaluation {
  if (policy.algorithm === 'penalty') return evaluatePenalty(policy, state as PenaltyState | undefined, nowUs, mode, false);
  if (policy.algorithm === 'concurrency') return evaluateConcurrency(policy, state as ConcurrencyState | undefined, nowUs, cost, mode, lease);
  return EVALUATORS[policy.algorithm](policy, state, nowUs, cost, mode === 'release' || mode === 'renew' ? 'peek' : mode);
}
