import { ErrorCodes, InvalidOptionError } from '../errors.js';
import { fixedWindow } from '../policies/fixed-window.js';
import { leakyBucket } from '../policies/leaky-bucket.js';
import { ALL_ALGORITHMS, isPolicy, type Policy } from '../policies/policy.js';
import { concurrency } from '../policies/concurrency.js';
import { penalty } from '../policies/penalty.js';
import { slidingLog } from '../policies/sliding-log.js';
import { slidingWindow } from '../policies/sliding-window.js';
import { tokenBucket } from '../policies/token-bucket.js';
import { isPlainObject } from '../validate.js';

const MADE_BY = 'a policy made by fixedWindow(), slidingWindow(), slidingLog(), tokenBucket(), leakyBucket(), concurrency() or penalty()';

/** The same policy built again by this copy's constructor: validates it and recomputes every derived field. */
function rebuild(policy: Policy): Policy {
  const name = policy.name;
  // `shadow` exists only when true; the concurrency policy has no shadow mode.
  const shadow = policy.shadow === true ? { shadow: true } : {};
  switch (policy.algorithm) {
    case 'fixed-window':
      return fixedWindow({ limit: policy.limit, window: policy.windowMs, name, ...shadow });
    case 'sliding-window':
      return slidingWindow({ limit: policy.limit, window: policy.windowMs, name, ...shadow });
    case 'sliding-log':
      return slidingLog({ limit: policy.limit, window: policy.windowMs, name, ...shadow });
    case 'token-bucket':
      return tokenBucket({ capacity: policy.capacity, refillPerSecond: policy.ratePerSecond, name, ...shadow });
    case 'leaky-bucket':
      return leakyBucket({ capacity: policy.capacity, leakPerSecond: policy.ratePerSecond, name, ...shadow });
    case 'concurrency':
      return concurrency({ limit: policy.limit, leaseMs: policy.leaseMs, name });
    case 'penalty':
      return penalty({ after: policy.limit, within: policy.windowMs, blockFor: [...policy.blockForMs], name });
  }
}

/** Field equality for `isSound`: arrays (a penalty's steps) element by element. */
function sameField(a: unknown, b: unknown): boolean {
  if (!Array.isArray(a) || !Array.isArray(b)) return Object.is(a, b);
  return a.length === b.length && a.every((value, index) => Object.is(value, b[index]));
}

/**
 * A branded policy may come from another copy of `@sluice/core` (ESM next to CJS, or another
 * version), so the brand alone is not trusted: the policy must equal its rebuild, field by field.
 */
function isSound(policy: Policy): boolean {
  if (!(ALL_ALGORITHMS as readonly string[]).includes(policy.algorithm)) return false;
  let twin: Policy;
  try {
    twin = rebuild(policy);
  } catch {
    return false;
  }
  const fields = Object.keys(twin) as (keyof Policy)[];
  return fields.length === Object.keys(policy).length && fields.every((field) => sameField(twin[field], policy[field]));
}

/**
 * Validates a limiter's policy list: a non-empty array of policies made by the policy
 * constructors (of any copy of the package), with distinct names and distinct parameters.
 * Returns a frozen copy. Throws InvalidOptionError naming `policies[i]` (ERR_SLUICE_UNKNOWN_ALGORITHM
 * for a plain object naming an algorithm that does not exist).
 */
export function validatePolicies(value: unknown, option = 'policies'): readonly Policy[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidOptionError(option, value, 'a non-empty array of policies');
  }
  const names = new Set<string>();
  const ids = new Set<string>();
  value.forEach((policy: unknown, index) => {
    const path = `${option}[${index}]`;
    if (!isPolicy(policy) || !isSound(policy)) {
      const algorithm = isPlainObject(policy) ? policy.algorithm : undefined;
      if (typeof algorithm === 'string' && !(ALL_ALGORITHMS as readonly string[]).includes(algorithm)) {
        throw new InvalidOptionError(`${path}.algorithm`, algorithm, `one of ${ALL_ALGORITHMS.join(', ')}`, ErrorCodes.UNKNOWN_ALGORITHM);
      }
      throw new InvalidOptionError(path, policy, MADE_BY);
    }
    if (names.has(policy.name)) throw new InvalidOptionError(`${path}.name`, policy.name, 'a name no other policy of this limiter has');
    if (ids.has(policy.id)) throw new InvalidOptionError(path, policy.id, 'a policy whose parameters differ from the others');
    names.add(policy.name);
    ids.add(policy.id);
  });
  assertPenaltyPlacement(value as Policy[], option);
  return Object.freeze([...value]);
}

/** A penalty watches the other policies' denials: at most one per limiter, and never alone. */
function assertPenaltyPlacement(policies: readonly Policy[], option: string): void {
  const at = policies.findIndex((policy) => policy.algorithm === 'penalty');
  if (at < 0) return;
  if (policies.length === 1) throw new InvalidOptionError(option, policies[0]!.id, 'a penalty next to at least one other policy (it counts their denials)');
  const second = policies.findIndex((policy, index) => index > at && policy.algorithm === 'penalty');
  if (second >= 0) throw new InvalidOptionError(`${option}[${second}]`, policies[second]!.id, 'at most one penalty policy per limiter');
}
