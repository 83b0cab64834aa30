import { draft7RateLimitValue } from '../headers/draft-7.js';
import { legacyResetEpochSeconds } from '../headers/legacy.js';
import { HeaderNames, type HeadersFormat } from '../headers/names.js';
import { resetSeconds, retryAfterSeconds } from '../headers/seconds.js';
import type { Decision } from '../limiter/decision.js';
import type { PolicySet } from './policy-set.js';
import { bindingOutcome, type StackedOutcome } from './stack.js';

/** Sets one response header on a framework's response object (a module-level function, not a per-request closure). */
export type HeaderSink<Target> = (target: Target, name: string, value: string) => void;

/** Figures were measured by a store (primary or fallback); the failure policy measured nothing. */
export function measured(decision: Decision): boolean {
  return decision.decidedBy !== 'failure-policy';
}

/**
 * draft-10 `RateLimit` for one decision, from the set's cached members. A single-policy decision
 * carries its policy's figures itself, so its `results` are not read (a store may build them lazily).
 */
export function draft10RateLimitFor(policySet: PolicySet, decision: Decision): string {
  const members = policySet.members;
  if (members.length === 1) return members[0]!.get(decision.remaining, resetSeconds(decision));
  const results = decision.results;
  let value = '';
  for (let i = 0; i < results.length; i++) {
    const result = results[i]!;
    value += (i === 0 ? '' : ', ') + members[i]!.get(result.remaining, resetSeconds(result));
  }
  return value;
}

/** draft-10 values over several middlewares' outcomes: every policy of every one, in order. */
function writeDraft10List<Target>(target: Target, sink: HeaderSink<Target>, outcomes: readonly StackedOutcome[]): void {
  let policy = '';
  let rateLimit = '';
  for (const { decision, policySet } of outcomes) {
    policy += (policy === '' ? '' : ', ') + policySet.draft10Policy;
    if (measured(decision)) rateLimit += (rateLimit === '' ? '' : ', ') + draft10RateLimitFor(policySet, decision);
  }
  sink(target, HeaderNames.RATE_LIMIT_POLICY, policy);
  if (rateLimit !== '') sink(target, HeaderNames.RATE_LIMIT, rateLimit);
}

/** The longest finite wait among denials, or undefined when none can ever pass. */
function longestWait(outcomes: readonly StackedOutcome[]): number | undefined {
  let wait: number | undefined;
  for (const { decision } of outcomes) {
    if (!decision.allowed && decision.retryAfterMs !== Infinity && (wait === undefined || decision.retryAfterMs > wait)) {
      wait = decision.retryAfterMs;
    }
  }
  return wait;
}

/**
 * Writes the rate-limit headers for `decision`, made by `policySet`'s limiter. A degraded
 * decision (decidedBy 'failure-policy': no store measured anything) gets only RateLimit-Policy,
 * which is configuration and still true; a fallback store's decision is measured and gets
 * everything. Retry-After (delay-seconds, RFC 9110 section 10.2.3, rounded up, >= 1) goes on
 * every denial that a retry can pass, never for a cost the policy can never admit.
 *
 * `stacked` holds every outcome of this request when several Sluice middlewares decided on it:
 * draft-10 then lists every policy of every middleware in one RateLimit-Policy and one
 * RateLimit; draft-7, draft-6 and legacy headers (one policy each) describe the binding
 * (most restrictive) decision; Retry-After is the longest wait among denials.
 */
export function writeRateLimitHeaders<Target>(
  target: Target,
  sink: HeaderSink<Target>,
  policySet: PolicySet,
  decision: Decision,
  format: HeadersFormat | false,
  legacy: boolean,
  stacked?: readonly StackedOutcome[],
): void {
  if (stacked !== undefined) ({ decision, policySet } = bindingOutcome(stacked));
  const isMeasured = measured(decision);
  if (format === 'draft-10') {
    if (stacked !== undefined) writeDraft10List(target, sink, stacked);
    else {
      sink(target, HeaderNames.RATE_LIMIT_POLICY, policySet.draft10Policy);
      if (isMeasured) sink(target, HeaderNames.RATE_LIMIT, draft10RateLimitFor(policySet, decision));
    }
  } else if (format !== false) {
    const policy = policySet.singlePolicy.get(decision.policy);
    if (policy !== undefined) sink(target, HeaderNames.RATE_LIMIT_POLICY, policy);
    if (isMeasured) {
      const reset = resetSeconds(decision);
      if (format === 'draft-7') {
        sink(target, HeaderNames.RATE_LIMIT, draft7RateLimitValue(decision.limit, decision.remaining, reset));
      } else {
        sink(target, HeaderNames.RATE_LIMIT_LIMIT, String(decision.limit));
        sink(target, HeaderNames.RATE_LIMIT_REMAINING, String(decision.remaining));
        sink(target, HeaderNames.RATE_LIMIT_RESET, String(reset));
      }
    }
  }
  if (legacy && isMeasured) {
    sink(target, HeaderNames.LEGACY_LIMIT, String(decision.limit));
    sink(target, HeaderNames.LEGACY_REMAINING, String(decision.remaining));
    sink(target, HeaderNames.LEGACY_RESET, String(legacyResetEpochSeconds(Date.now(), decision)));
  }
  if (decision.allowed) return;
  const wait = stacked === undefined ? (decision.retryAfterMs === Infinity ? undefined : decision.retryAfterMs) : longestWait(stacked);
  if (wait !== undefined) sink(target, HeaderNames.RETRY_AFTER, String(retryAfterSeconds(wait)));
}
