import { ErrorCodes, InvalidOptionError, StoreError, UnsupportedAlgorithmError } from '../errors.js';
import { ALGORITHMS, isPolicy, type Policy } from '../policies/policy.js';
import { MemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/types.js';
import { assertKnownKeys, assertNonEmptyString, assertPlainObject, assertPositiveInteger, isPlainObject } from '../validate.js';

export type FailurePolicy = 'allow' | 'deny' | Store;

export interface LimiterOptions {
  /** Where state lives. Default: a new MemoryStore. */
  store?: Store;
  /** Every request is checked against all of them, all-or-nothing. */
  policies: readonly Policy[];
  /** Namespace for storage keys. Default 'sluice'. */
  prefix?: string;
  /** When the store fails or times out: admit, deny, or ask this fallback store. Default 'allow'. */
  onStoreError?: FailurePolicy;
  /** Longest wait for an asynchronous store before the failure policy decides. Default 500. */
  timeoutMs?: number;
  /** Told about every store failure the failure policy absorbed (for logs and metrics). */
  onError?: (error: StoreError) => void;
}

export interface ResolvedLimiterOptions {
  store: Store;
  policies: readonly Policy[];
  prefix: string;
  onStoreError: FailurePolicy;
  timeoutMs: number;
  onError: ((error: StoreError) => void) | undefined;
}

const LIMITER_KEYS = new Set(['store', 'policies', 'prefix', 'onStoreError', 'timeoutMs', 'onError']);
const PREFIX_PATTERN = /^[^{}\s]{1,100}$/;
export const DEFAULT_TIMEOUT_MS = 500;

export function isStore(value: unknown): value is Store {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Store).consume === 'function' &&
    typeof (value as Store).reset === 'function' &&
    Array.isArray((value as Store).algorithms)
  );
}

export function validatePolicies(value: unknown, option = 'policies'): readonly Policy[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw new InvalidOptionError(option, value, 'a non-empty array of policies');
  }
  const names = new Set<string>();
  const ids = new Set<string>();
  value.forEach((policy: unknown, index) => {
    const path = `${option}[${index}]`;
    if (!isPolicy(policy)) {
      const algorithm = isPlainObject(policy) ? policy.algorithm : undefined;
      if (typeof algorithm === 'string' && !(ALGORITHMS as readonly string[]).includes(algorithm)) {
        throw new InvalidOptionError(`${path}.algorithm`, algorithm, `one of ${ALGORITHMS.join(', ')}`, ErrorCodes.UNKNOWN_ALGORITHM);
      }
      throw new InvalidOptionError(path, policy, 'a policy made by fixedWindow(), slidingWindow(), slidingLog(), tokenBucket() or leakyBucket()');
    }
    if (names.has(policy.name)) throw new InvalidOptionError(`${path}.name`, policy.name, 'a name no other policy of this limiter has');
    if (ids.has(policy.id)) throw new InvalidOptionError(path, policy.id, 'a policy whose parameters differ from the others');
    names.add(policy.name);
    ids.add(policy.id);
  });
  return Object.freeze([...value]);
}

export function assertStoreSupports(store: Store, policies: readonly Policy[], option: string): void {
  policies.forEach((policy, index) => {
    if (!store.algorithms.includes(policy.algorithm)) {
      throw new UnsupportedAlgorithmError(`policies[${index}]`, policy.algorithm, `${option} (${store.constructor.name})`, store.algorithms);
    }
  });
}

/**
 * Validates limiter options. With `policiesPerRequest`, `policies` is left out: the adapters
 * validate everything else at startup when the policies only arrive with each request.
 */
export function resolveLimiterOptions(options: unknown, mode?: { policiesPerRequest: true }): ResolvedLimiterOptions {
  assertPlainObject(options, 'createLimiter options');
  assertKnownKeys(options, LIMITER_KEYS, '');
  const policies = mode?.policiesPerRequest ? Object.freeze([]) : validatePolicies(options.policies);
  if (options.store !== undefined && !isStore(options.store)) {
    throw new InvalidOptionError('store', options.store, 'a Store (consume, reset, algorithms)');
  }
  const store = (options.store as Store | undefined) ?? new MemoryStore();
  assertStoreSupports(store, policies, 'store');
  const prefix =
    options.prefix === undefined
      ? 'sluice'
      : assertNonEmptyString(options.prefix, 'prefix', PREFIX_PATTERN, 'up to 100 characters without braces or spaces');
  const onStoreError = options.onStoreError ?? 'allow';
  if (onStoreError !== 'allow' && onStoreError !== 'deny') {
    if (!isStore(onStoreError)) throw new InvalidOptionError('onStoreError', onStoreError, "'allow', 'deny' or a fallback Store");
    if (onStoreError === store) throw new InvalidOptionError('onStoreError', 'the same store', 'a fallback store other than `store`');
    assertStoreSupports(onStoreError, policies, 'onStoreError');
  }
  const timeoutMs = assertPositiveInteger(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, 'timeoutMs', 2 ** 31 - 1);
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new InvalidOptionError('onError', options.onError, 'a function');
  }
  return {
    store,
    policies,
    prefix,
    onStoreError: onStoreError as FailurePolicy,
    timeoutMs,
    onError: options.onError as ResolvedLimiterOptions['onError'],
  };
}
