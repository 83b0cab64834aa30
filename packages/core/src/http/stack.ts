import type { Decision } from '../limiter/decision.js';
import type { PolicySet } from './policy-set.js';

// Where one request keeps what every Sluice middleware decided on it (Express `res.locals`, Koa
// `ctx.state`, Fastify `request`). Registry symbols, so middlewares from the ESM and the CommonJS
// copy of core see each other. The first decision costs two property writes and no allocation;
// only a second middleware on the same request builds the list.
/** The policy set of the first middleware that decided. */
export const kPolicySet = Symbol.for('sluice.http.policySet');
/** The binding decision: the only one, or the most restrictive of several. */
export const kDecision = Symbol.for('sluice.http.decision');
/** Every middleware's decision with its policy set, in order, once a second one decided. */
export const kStack = Symbol.for('sluice.http.stack');
/** Every decision, in order (built when a handler first asks for `rateLimits`). */
export const kDecisions = Symbol.for('sluice.http.decisions');

/** What one middleware decided on one request, with the policy set whose headers describe it. */
export interface StackedOutcome {
  /** That middleware's decision. */
  readonly decision: Decision;
  /** The policy set that decided (its headers describe the decision). */
  readonly policySet: PolicySet;
}

/** A request's record of decisions (null where a framework pre-declares the fields, as Fastify's decorators do). */
export interface DecisionCarrier {
  /** The first middleware's policy set. */
  [kPolicySet]?: PolicySet | null;
  /** The binding decision. */
  [kDecision]?: Decision | null;
  /** Every middleware's outcome, once a second one decided. */
  [kStack]?: StackedOutcome[] | null;
  /** Every decision, in order (built on first read). */
  [kDecisions]?: Decision[] | null;
}

/** True when this policy set already decided on this request: the same limiter never charges a request twice. */
export function decidedBefore(carrier: DecisionCarrier, policySet: PolicySet): boolean {
  const first = carrier[kPolicySet];
  if (first === undefined || first === null) return false;
  if (first === policySet) return true;
  const stack = carrier[kStack];
  return stack !== undefined && stack !== null && stack.some((outcome) => outcome.policySet === policySet);
}

/**
 * Records a decision on the request. Returns every outcome of this request, in order, when an
 * earlier middleware decided too; undefined for the first (the common case allocates nothing).
 */
export function recordDecision(carrier: DecisionCarrier, policySet: PolicySet, decision: Decision): readonly StackedOutcome[] | undefined {
  const first = carrier[kPolicySet];
  if (first === undefined || first === null) {
    carrier[kPolicySet] = policySet;
    carrier[kDecision] = decision;
    return undefined;
  }
  let stack = carrier[kStack];
  if (stack === undefined || stack === null) {
    stack = [{ decision: carrier[kDecision]!, policySet: first }];
    carrier[kStack] = stack;
  }
  stack.push({ decision, policySet });
  carrier[kDecision] = bindingOutcome(stack).decision;
  carrier[kDecisions]?.push(decision);
  return stack;
}

/** The binding decision (what `rateLimit` shows), or undefined when none was made. */
export function decisionOf(carrier: DecisionCarrier | undefined): Decision | undefined {
  return carrier?.[kDecision] ?? undefined;
}

/** Every decision in order (what `rateLimits` shows), built on first request and kept; undefined when none. */
export function decisionsOf(carrier: DecisionCarrier | undefined): Decision[] | undefined {
  if (carrier === undefined) return undefined;
  const list = carrier[kDecisions];
  if (list !== undefined && list !== null) return list;
  const binding = carrier[kDecision];
  if (binding === undefined || binding === null) return undefined;
  const stack = carrier[kStack];
  const built = stack === undefined || stack === null ? [binding] : stack.map((outcome) => outcome.decision);
  carrier[kDecisions] = built;
  return built;
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
export function bindingOutcome<T extends StackedOutcome>(outcomes: readonly T[]): T {
  let binding = outcomes[0]!;
  for (let i = 1; i < outcomes.length; i++) if (tighter(outcomes[i]!.decision, binding.decision)) binding = outcomes[i]!;
  return binding;
}
