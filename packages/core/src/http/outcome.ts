import type { Decision } from '../limiter/decision.js';
import type { StackedOutcome } from './stack.js';

/** What the limiter decided for one request, and what refunding it later needs (built only when `refund` is set). */
export interface RateLimitOutcome extends StackedOutcome {
  readonly decision: Decision;
  readonly key: string;
  readonly cost: number;
}
