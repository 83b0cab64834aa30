import type { Decision } from './decision.js';

/**
 * A frozen copy of `decision` for event listeners: they observe, and cannot change what the
 * caller (the middleware) acts on. Built only while a 'decision' listener is attached. The lease
 * handle is shared as it is (its methods release the caller's own lease).
 */
export function decisionView(decision: Decision): Readonly<Decision> {
  const view: Decision = { ...decision, results: Object.freeze(decision.results.map((result) => Object.freeze({ ...result }))) };
  if (decision.shadow !== undefined) view.shadow = Object.freeze({ ...decision.shadow });
  return Object.freeze(view);
}
