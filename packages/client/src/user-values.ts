import { isThenable } from '@sluice/core';
import { reportFailure, type WarningHandler } from './events.js';

/**
 * Calls a user function that supplies a value for one request (`partition`, `limiterKey`,
 * `cost`, `retry`). It may return the value or a promise of it. A synchronous throw, a
 * rejection, or a value `valid` refuses never fails the caller's fetch: the request goes on
 * with `fallback`, and the failure is reported to `onWarning` (code SLUICE_CLIENT_HOOK_FAILED).
 * Synchronous answers stay synchronous.
 */
export function userValue<A, T>(
  fn: (arg: A) => unknown,
  arg: A,
  valid: (value: unknown) => value is T,
  fallback: T,
  onWarning: WarningHandler,
  what: string,
): T | Promise<T> {
  const settle = (value: unknown): T => {
    if (valid(value)) return value;
    reportFailure(onWarning, new TypeError(`returned ${describe(value)}, which is not valid; used ${String(fallback)}`), what);
    return fallback;
  };
  const refuse = (error: unknown): T => {
    reportFailure(onWarning, error, what);
    return fallback;
  };
  let value: unknown;
  try {
    value = fn(arg);
  } catch (error) {
    return refuse(error);
  }
  if (isThenable(value)) return Promise.resolve(value).then(settle, refuse);
  return settle(value);
}

/** A short description of any value, even one whose toString throws. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) return 'an object';
  return String(value);
}

export const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';
export const isCost = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 1;
export const isBoolean = (value: unknown): value is boolean => typeof value === 'boolean';
