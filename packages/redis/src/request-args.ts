import { MODE_CODES } from '@sluice/core';

/** The store's name in its errors. */
export const STORE = 'RedisStore';

// Mode codes as the scripts read them (ARGV strings), prepared once.
export const CONSUME = String(MODE_CODES.consume);
export const PEEK = String(MODE_CODES.peek);
export const REFUND = String(MODE_CODES.refund);
export const RELEASE = String(MODE_CODES.release);
export const RENEW = String(MODE_CODES.renew);

/** The script's mode argument, or undefined for a mode no script knows. */
export function modeArgOf(mode: unknown): string | undefined {
  return mode === 'consume' ? CONSUME : mode === 'peek' ? PEEK : mode === 'refund' ? REFUND : mode === 'release' ? RELEASE : mode === 'renew' ? RENEW : undefined;
}

/** Lease ids as the limiter makes them (newLeaseId): no `#`, which lua/concurrency.ts uses to number a lease's units. */
export const LEASE_ID = /^[A-Za-z0-9._-]{1,64}$/;
