import type { Algorithm, Policy } from '../policies/policy.js';
import { evaluateLeakyBucket, evaluateTokenBucket } from './buckets.js';
import { evaluateFixedWindow } from './fixed-window.js';
import { evaluateSlidingLog } from './sliding-log.js';
import { evaluateSlidingWindow } from './sliding-window.js';
import type { Evaluate, Evaluation, Mode, PolicyState } from './types.js';

// biome-ignore lint/suspicious/noExplicitAny: one table of evaluators whose policy and state types differ per algorithm
const EVALUATORS: Record<Algorithm, Evaluate<any, any>> = {
  'fixed-window': evaluateFixedWindow,
  'sliding-window': evaluateSlidingWindow,
  'sliding-log': evaluateSlidingLog,
  'token-bucket': evaluateTokenBucket,
  'leaky-bucket': evaluateLeakyBucket,
};

/** The reference model of one policy: pure, no clock, no I/O. */
export function evaluatePolicy(
  policy: Policy,
  state: PolicyState | undefined,
  nowUs: number,
  cost: number,
  mode: Mode,
): Evaluation {
  return EVALUATORS[policy.algorithm](policy, state, nowUs, cost, mode);
}
