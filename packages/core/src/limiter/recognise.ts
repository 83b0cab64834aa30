import type { Store } from '../store/types.js';
import type { Limiter } from './limiter.js';

/**
 * Brand of limiters made by `createLimiter`, a registry symbol so an adapter loaded through
 * `require` accepts a limiter built through `import` (and the other way round). The value is
 * the limiter interface version.
 */
export const LIMITER_BRAND = Symbol.for('sluice.limiter');
export const LIMITER_FORMAT = 1;

/**
 * True for a Store: an object with `consume`, `reset` and an `algorithms` array. Stores are
 * recognised by shape, not brand, so third-party stores need no Sluice import.
 */
export function isStore(value: unknown): value is Store {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Store).consume === 'function' &&
    typeof (value as Store).reset === 'function' &&
    Array.isArray((value as Store).algorithms)
  );
}

/** True for a limiter made by `createLimiter` of any copy of `@sluice/core` with this interface version. */
export function isLimiter(value: unknown): value is Limiter {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[LIMITER_BRAND] === LIMITER_FORMAT &&
    typeof (value as Limiter).decide === 'function' &&
    Array.isArray((value as Limiter).policies) &&
    isStore((value as Limiter).store)
  );
}
