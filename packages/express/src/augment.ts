import type { Decision } from '@sluice/core';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The rate-limit decision for this request (absent when skipped or not limited). */
      rateLimit?: Decision;
    }
  }
}

export {};
