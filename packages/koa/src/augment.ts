import type { Decision } from '@sluice/core';

declare module 'koa' {
  interface DefaultState {
    /** The rate-limit decision for this request (absent when skipped or not limited). */
    rateLimit?: Decision;
  }
}

export {};
