import { draft10RateLimitValue } from '../headers/draft-10.js';
import { draft7RateLimitValue } from '../headers/draft-7.js';
import { legacyResetValue } from '../headers/legacy.js';
import { HeaderNames, type HeadersFormat } from '../headers/names.js';
import { resetSeconds, retryAfterSeconds } from '../headers/seconds.js';
import type { RateLimitOutcome } from './outcome.js';

/** Sets one response header on a framework's response object (a module-level function, not a per-request closure). */
export type HeaderSink<Target> = (target: Target, name: string, value: string) => void;

/**
 * Writes the rate-limit headers for a decision. A degraded decision (the store failed and the
 * failure policy decided) gets only RateLimit-Policy, which is configuration and still true:
 * no remaining/reset figures, because none were measured. Retry-After goes on every denial
 * that a retry can pass, never for a cost the policy can never admit.
 */
export function writeRateLimitHeaders<Target>(
  target: Target,
  sink: HeaderSink<Target>,
  outcome: RateLimitOutcome,
  format: HeadersFormat | false,
  legacy: boolean,
): void {
  const { decision, policySet } = outcome;
  const measured = decision.degraded === undefined;
  if (format === 'draft-10') {
    sink(target, HeaderNames.RATE_LIMIT_POLICY, policySet.draft10Policy);
    if (measured) sink(target, HeaderNames.RATE_LIMIT, draft10RateLimitValue(decision.results, policySet.quotedNames));
  } else if (format !== false) {
    const policy = policySet.singlePolicy.get(decision.policy);
    if (policy !== undefined) sink(target, HeaderNames.RATE_LIMIT_POLICY, policy);
    if (measured) {
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
  if (legacy && measured) {
    sink(target, HeaderNames.LEGACY_LIMIT, String(decision.limit));
    sink(target, HeaderNames.LEGACY_REMAINING, String(decision.remaining));
    sink(target, HeaderNames.LEGACY_RESET, String(legacyResetValue(Date.now(), resetSeconds(decision))));
  }
  if (!decision.allowed && decision.retryAfterMs !== Infinity) {
    sink(target, HeaderNames.RETRY_AFTER, String(retryAfterSeconds(decision.retryAfterMs)));
  }
}
