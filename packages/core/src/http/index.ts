// Framework-agnostic middleware plumbing shared by the Express, Koa and Fastify adapters.
export { RateLimitEngine, type ExposedDecisions } from './engine.js';
export type { HttpFramework, RefundingEngine } from './framework.js';
export {
  resolveRateLimitOptions,
  RATE_LIMIT_OPTION_KEYS,
  DEFAULT_MAX_DELAY_MS,
  type RateLimitOptions,
  type PoliciesOption,
  type PolicySource,
  type ResolvedRateLimitOptions,
} from './options.js';
export type { RateLimitOutcome } from './outcome.js';
export { compilePolicySet, type PolicySet } from './policy-set.js';
export { PolicySetCache, POLICY_ARRAYS_NOT_REUSED } from './policy-set-cache.js';
export { writeRateLimitHeaders, draft10RateLimitFor, type HeaderSink } from './response-headers.js';
export {
  kPolicySet,
  kDecision,
  kStack,
  kDecisions,
  bindingOutcome,
  decisionOf,
  decisionsOf,
  type DecisionCarrier,
  type StackedOutcome,
} from './stack.js';
export { refusedHold } from './long-hold.js';
export { limitedResponse, limitedStatus, PROBLEM_CONTENT_TYPE, ProblemTypes, type LimitedResponse, type RateLimitProblem } from './problem.js';
export { clientGone, holdFor } from './hold.js';
export { watchResponse, watchSettled, type HandlerWatch } from './handler-done.js';
export { isThenable } from './thenable.js';
export { AccessLists, type AccessList, type Listed } from './access-lists.js';
export { WaitQueue, DEFAULT_MAX_WAITING, DEFAULT_MAX_WAITING_PER_KEY, type WaitOptions } from './wait-queue.js';
