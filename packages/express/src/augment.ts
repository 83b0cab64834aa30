import type { Decision } from '@sluice/core';

declare global {
  namespace Express {
    interface Request {
      /**
       * The rate-limit decision for this request (absent when skipped or not limited). With
       * several Sluice middlewares, the binding (most restrictive) one.
       */
      rateLimit?: Decision;
      /** Every Sluice decision made on this request, in the order the middlewares ran. */
      rateLimits?: Decision[];
    }
  }
}
