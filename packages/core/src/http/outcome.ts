import type { Decision } from '../limiter/decision.js';
import type { StackedOutcome } from './stack.js';

/** What the limiter decided for one request, and what refunding it later needs (built only when `refund` is set). */
export interface RateLimitOutcome extends StackedOutcome {
  /** The request's decision. */
  readonly decision: Decision;
  /** The client key it was charged to. */
  readonly key: string;
  /** Units of cost charged (what a refund gives back). */
  readonly cost: number;
}
