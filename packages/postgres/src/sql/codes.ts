import type { Algorithm, Mode } from '@sluice/core';

/** Algorithm numbers as the decision function knows them. */
export const ALGORITHM_CODES: Readonly<Record<Algorithm, number>> = {
  'fixed-window': 1,
  'sliding-window': 2,
  'sliding-log': 3,
  'token-bucket': 4,
  'leaky-bucket': 5,
};

/** Mode numbers as the decision function knows them. */
export const MODE_CODES: Readonly<Record<Mode, number>> = { consume: 0, peek: 1, refund: 2 };

/** The decision function's encoding of an infinite retryAfter (a cost above the limit never passes). */
export const NEVER = -1;

/** Figures the decision function returns per policy, in this order. */
export const RESULT_WIDTH = 5;
