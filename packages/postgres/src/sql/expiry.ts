/**
 * Rows carry `expires_at`, the time (µs since the epoch) from which their state reads exactly
 * like no state, for the sweep. It is garbage collection only, so it may be late but never
 * early: rounded up to a whole EXPIRY_STEP_US, it changes at most once a minute per busy key,
 * and an update that leaves the indexed column alone is a HOT update (no new index entries,
 * about half the WAL). A row outlives its state by less than a minute.
 */
export const EXPIRY_STEP_US = 60_000_000;

/** SQL: `us` rounded up to a multiple of EXPIRY_STEP_US; `us` must be >= 0 (integer division truncates). */
export function expiryFromNonNegative(us: string): string {
  return `((${us}) + ${EXPIRY_STEP_US - 1}) / ${EXPIRY_STEP_US} * ${EXPIRY_STEP_US}`;
}

/** SQL: `us` rounded up to a multiple of EXPIRY_STEP_US, for any sign (floor modulo). */
export function expiryFromAny(us: string): string {
  const up = `(${us}) + ${EXPIRY_STEP_US - 1}`;
  return `(${up} - (((${up}) % ${EXPIRY_STEP_US}) + ${EXPIRY_STEP_US}) % ${EXPIRY_STEP_US})`;
}
