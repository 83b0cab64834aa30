import type { Decision } from '../limiter/decision.js';
import type { RateLimitOutcome } from './outcome.js';
import type { PolicySet } from './policy-set.js';

/**
 * Where a request (Express req, Koa ctx, Fastify request) keeps the outcomes of every Sluice
 * middleware that decided on it: one outcome, or an array once a second one decides. A registry
 * symbol, so middlewares from the ESM and the CommonJS copy of core see each other.
 */
export const kRateLimitOutcomes = Symbol.for('sluice.http.outcomes');

type Carrier = { [kRateLimitOutcomes]?: RateLimitOutcome | RateLimitOutcome[] };

/** True when this policy set already decided on this request: the same limiter never charges a request twice. */
export function decidedBefore(carrier: object, policySet: PolicySet): boolean {
  const earlier = (carrier as Carrier)[kRateLimitOutcomes];
  if (earlier === undefined) return false;
  if (!Array.isArray(earlier)) return earlier.policySet === policySet;
  return earlier.some((outcome) => outcome.policySet === policySet);
}

/**
 * Records `outcome` on the request. Returns every outcome of this request, in order, when an
 * earlier middleware decided too; undefined for the first (the common case allocates nothing).
 */
export function stackOutcome(carrier: object, outcome: RateLimitOutcome): readonly RateLimitOutcome[] | undefined {
  const slot = carrier as Carrier;
  const earlier = slot[kRateLimitOutcomes];
  if (earlier === undefined) {
    slot[kRateLimitOutcomes] = outcome;
    return undefined;
  }
  const all = Array.isArray(earlier) ? earlier : [earlier];
  all.push(outcome);
  slot[kRateLimitOutcomes] = all;
  return all;
}

/**
 * The more restrictive of two decisions: a denial over an admission, the longer wait among
 * denials, else the fewer remaining units (then the later reset), as within one limiter.
 */
function tighter(a: Decision, b: Decision): boolean {
  if (a.allowed !== b.allowed) return !a.allowed;
  if (!a.allowed) return a.retryAfterMs > b.retryAfterMs;
  return a.remaining < b.remaining || (a.remaining === b.remaining && a.resetAfterMs > b.resetAfterMs);
}

/** The binding outcome among several middlewares' outcomes on one request. */
export function bindingOutcome(outcomes: readonly RateLimitOutcome[]): RateLimitOutcome {
  let binding = outcomes[0]!;
  for (let i = 1; i < outcomes.length; i++) if (tighter(outcomes[i]!.decision, binding.decision)) binding = outcomes[i]!;
  return binding;
}
