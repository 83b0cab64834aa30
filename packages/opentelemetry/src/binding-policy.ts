import type { DecisionEvent } from '@sluice/core';

/**
 * The policy a decision is labelled with: the decision's binding policy, except when a shadow
 * policy would have denied a request the enforced policies admitted; then the shadow policy that
 * would have denied (the longest retry, as the decision's own binding rule picks).
 */
export function bindingPolicy(event: DecisionEvent): string {
  const { decision } = event;
  if (event.outcome !== 'denied' || !decision.allowed) return decision.policy;
  let denied: (typeof decision.results)[number] | undefined;
  for (const result of decision.results) {
    if (!result.allowed && (denied === undefined || result.retryAfterMs > denied.retryAfterMs)) denied = result;
  }
  return denied?.policy ?? decision.policy;
}
