import type { DecisionEvent } from '@sluice/core';

/**
 * The policy a decision is labelled with: the decision's binding policy, or, for an outcome that
 * was not enforced (shadow mode), the shadow policy that would have denied or held the request.
 */
export function bindingPolicy(event: DecisionEvent): string {
  const { decision } = event;
  return event.enforced ? decision.policy : (decision.shadow?.policy ?? decision.policy);
}
