import type { StoreError } from '../errors.js';
import type { SluiceWarning } from '../keys/warnings.js';
import type { Store } from '../store/types.js';
import { sharedWeakMap } from '../resilience/shared-registry.js';

/**
 * Warning code, given once per store: its failures can only be a setup mistake (wrong password,
 * missing table or permission; StoreError.configuration), so retrying cannot help.
 */
export const STORE_MISCONFIGURED = 'SLUICE_STORE_MISCONFIGURED';
/** Failures in a row, from a store's first call with no answer ever, taken as a setup mistake. */
export const UNPROVEN_FAILURE_LIMIT = 5;

interface Health {
  answered: boolean;
  failures: number;
  warned: boolean;
}

// Per store, not per limiter: the siblings of one limiter (withPolicies, per-request policy
// sets) share the store and must not warn once each; nor must limiters of the ESM and the CJS
// copy of @sluice/core on one store (the map is shared by every copy; '.v1' fixes Health's shape).
const healthByStore = sharedWeakMap<Store, Health>('sluice.core.storeHealth.v1');

function healthOf(store: Store): Health {
  let health = healthByStore.get(store);
  if (health === undefined) {
    health = { answered: false, failures: 0, warned: false };
    healthByStore.set(store, health);
  }
  return health;
}

/** The store answered once: later failures are outages, not a setup mistake. */
export function noteAnswer(store: Store): void {
  healthOf(store).answered = true;
}

function causeOf(error: StoreError): string {
  const cause = error.cause;
  const detail = cause instanceof Error && !error.message.includes(cause.message) ? ` (cause: ${cause.message})` : '';
  // The sentence goes on after the cause: no doubled full stop.
  return (error.message + detail).replace(/\.+$/, '');
}

/**
 * Records a failure; returns the one warning to give for this store (SLUICE_STORE_MISCONFIGURED),
 * when it failed with `configuration: true`, or failed each of its first UNPROVEN_FAILURE_LIMIT
 * calls without ever answering. An Error, with `code` and the StoreError as `cause`.
 */
export function noteFailure(store: Store, error: StoreError, role: 'store' | 'onStoreError'): (Error & SluiceWarning) | undefined {
  const health = healthOf(store);
  if (health.warned) return undefined;
  if (!error.configuration) {
    if (health.answered || ++health.failures < UNPROVEN_FAILURE_LIMIT) return undefined;
  }
  health.warned = true;
  const name = store.constructor?.name ?? 'store';
  const why = error.configuration
    ? 'failed in a way only its configuration can explain'
    : `failed each of its first ${UNPROVEN_FAILURE_LIMIT} calls and has never answered`;
  const warning = new Error(
    `Sluice: the ${role === 'store' ? 'store' : 'fallback store (onStoreError)'} ${name} ${why}: ${causeOf(error)}. ` +
      'Every decision is being made by the failure policy, not by the store. Check its connection settings, ' +
      'credentials, schema (migrate) and connection pooler settings.',
    { cause: error },
  ) as Error & SluiceWarning;
  warning.name = 'SluiceWarning';
  warning.code = STORE_MISCONFIGURED;
  return warning;
}
