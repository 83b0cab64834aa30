import type { Limiter } from '../limiter/limiter.js';
import type { Policy } from '../policies/policy.js';
import type { WarningHandler } from '../keys/warnings.js';
import { compilePolicySet, type PolicySet } from './policy-set.js';

/** Distinct arrays compiled before we suspect `policies()` builds a new array per request. */
const SUSPICIOUS_COMPILATIONS = 1000;

/**
 * Warning code: `policies(req)` has returned 1000 different arrays; each new array builds a
 * limiter, so define the policy arrays once and return those.
 */
export const POLICY_ARRAYS_NOT_REUSED = 'SLUICE_POLICY_ARRAYS_NOT_REUSED';

/**
 * Per-request policies (plans, tiers): one limiter per distinct policies array, found by the
 * array's identity. `derive` builds it (a sibling via `limiter.withPolicies`, so every set
 * shares the store and every other setting). Policy ids encode their parameters, so tiers that
 * share a policy object share its state, and tiers that differ never collide.
 */
export class PolicySetCache {
  private readonly sets = new WeakMap<readonly Policy[], PolicySet>();
  private compilations = 0;

  constructor(
    private readonly derive: (policies: readonly Policy[]) => Limiter,
    private readonly onWarning: WarningHandler,
  ) {}

  /** The compiled set for this policy array (by identity), compiling it on first use. */
  get(policies: readonly Policy[]): PolicySet {
    const cached = this.sets.get(policies);
    if (cached !== undefined) return cached;
    // The limiter validates the array (typed errors naming `policies[i]`), once per array.
    const set = compilePolicySet(this.derive(policies));
    this.sets.set(policies, set);
    if (++this.compilations === SUSPICIOUS_COMPILATIONS) {
      this.onWarning({
        code: POLICY_ARRAYS_NOT_REUSED,
        message:
          `policies() has returned ${SUSPICIOUS_COMPILATIONS} different arrays. Each new array builds a limiter; ` +
          'return the same array objects (e.g. module-level constants per plan) so they are compiled once.',
      });
    }
    return set;
  }
}
