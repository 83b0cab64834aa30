import type { Decision } from '../limiter/decision.js';
import type { PolicySet } from './policy-set.js';

/** What the limiter decided for one request, and what refunding it later needs. */
export interface RateLimitOutcome {
  readonly decision: Decision;
  readonly policySet: PolicySet;
  readonly key: string;
  readonly cost: number;
}
