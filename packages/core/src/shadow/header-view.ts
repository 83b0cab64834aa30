import { compilePolicySet, type PolicySet } from '../http/policy-set.js';
import type { Decision } from '../limiter/decision.js';
import type { Limiter } from '../limiter/limiter.js';

/** A policy set's enforced policies only, for headers: undefined when every policy is in shadow. */
interface EnforcedView {
  readonly set: PolicySet | undefined;
  /** Positions of the enforced policies in the limiter's order. */
  readonly at: readonly number[];
}

const views = new WeakMap<PolicySet, EnforcedView>();

function viewOf(policySet: PolicySet): EnforcedView {
  let view = views.get(policySet);
  if (view !== undefined) return view;
  const limiter = policySet.limiter;
  const at: number[] = [];
  const whole = limiter.options.shadow;
  limiter.policies.forEach((policy, index) => {
    if (!whole && policy.shadow !== true) at.push(index);
  });
  const enforced = at.map((index) => limiter.policies[index]!);
  // compilePolicySet reads only `policies`; the view keeps the real limiter.
  const set = enforced.length === 0 ? undefined : { ...compilePolicySet({ policies: enforced } as unknown as Limiter), limiter };
  view = { set, at };
  views.set(policySet, view);
  return view;
}

/**
 * What the RateLimit headers show of a shadow limiter's decision when shadow policies are not
 * to be shown (adapter option `shadowHeaders: false`, the default): the enforced policies' set
 * and the decision with only their results; undefined when every policy is in shadow (no
 * RateLimit headers from this middleware).
 */
export function enforcedHeaders(policySet: PolicySet, decision: Decision): { set: PolicySet; decision: Decision } | undefined {
  const { set, at } = viewOf(policySet);
  if (set === undefined) return undefined;
  const all = decision.results;
  return { set, decision: { ...decision, results: at.map((index) => all[index]!) } };
}

/** The decision with only the enforced policies' results (a denial's problem body names only those). */
export function enforcedOnly(policySet: PolicySet, decision: Decision): Decision {
  return enforcedHeaders(policySet, decision)?.decision ?? decision;
}
