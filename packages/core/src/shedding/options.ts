import { InvalidOptionError } from '../errors.js';
import { assertKnownKeys, assertPlainObject, optionalPositiveInteger } from '../validate.js';
import type { AlgorithmName } from './algorithm.js';

/** Options of `createAdaptiveLimiter` (all optional). */
export interface AdaptiveLimiterOptions {
  /** 'gradient' (default: long- vs short-term RTT, after Netflix's Gradient2) or 'aimd'. */
  algorithm?: AlgorithmName;
  /** Concurrency allowed before any latency was observed. Default 20, within [minLimit, maxLimit]. */
  initialLimit?: number;
  /** The limit never falls below this. Default 4. */
  minLimit?: number;
  /** The limit never rises above this. Default 1000. */
  maxLimit?: number;
  /** Share of the limit (0 <= x < 1) only critical requests may use. Default 0.25: with no critical traffic the limit grows past it, so it acts as headroom above the knee kept for critical requests. */
  criticalReserve?: number;
  /** Share of the limit (criticalReserve <= x < 1) sheddable requests may not use. Default 0.4 (keep it at most 0.5: the limit only grows while at least half of it is in use). */
  sheddableReserve?: number;
  /** Monotonic clock in ms. Default `performance.now`; tests pass a fake one. */
  clock?: () => number;
}

/** AdaptiveLimiterOptions with the defaults filled in (see there for meanings and defaults). */
export interface ResolvedAdaptiveOptions {
  /** 'gradient' or 'aimd'. */
  algorithm: AlgorithmName;
  /** Concurrency before any latency was observed (whole requests). */
  initialLimit: number;
  /** Lowest limit (whole requests). */
  minLimit: number;
  /** Highest limit (whole requests). */
  maxLimit: number;
  /** Share of the limit only critical requests may use, 0..1. */
  criticalReserve: number;
  /** Share of the limit sheddable requests may not use, 0..1. */
  sheddableReserve: number;
  /** Monotonic clock, ms. */
  clock: () => number;
}

/** Every AdaptiveLimiterOptions name (the middleware options add their own). */
export const ADAPTIVE_LIMITER_OPTION_KEYS = [
  'algorithm',
  'initialLimit',
  'minLimit',
  'maxLimit',
  'criticalReserve',
  'sheddableReserve',
  'clock',
] as const;

const MAX_LIMIT = 1_000_000;

function share(value: unknown, option: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value >= 1) {
    throw new InvalidOptionError(option, value, `a number from ${min} up to (not including) 1`);
  }
  return value;
}

/**
 * Validates and fills in defaults. Throws InvalidOptionError (ERR_SLUICE_INVALID_OPTION) naming
 * the option, or ERR_SLUICE_UNKNOWN_OPTION for a name it does not know; `path` prefixes names.
 */
export function resolveAdaptiveOptions(options: AdaptiveLimiterOptions = {}, path = ''): ResolvedAdaptiveOptions {
  const raw: unknown = options;
  assertPlainObject(raw, path || 'options');
  const name = (key: string) => (path ? `${path}.${key}` : key);
  // Middleware options carry other keys too; they are checked by their caller.
  if (!path) assertKnownKeys(raw, new Set(ADAPTIVE_LIMITER_OPTION_KEYS), '');
  const algorithm = options.algorithm ?? 'gradient';
  if (algorithm !== 'gradient' && algorithm !== 'aimd') {
    throw new InvalidOptionError(name('algorithm'), algorithm, "'gradient' or 'aimd'");
  }
  const minLimit = optionalPositiveInteger(options.minLimit, name('minLimit'), 4, MAX_LIMIT);
  const maxLimit = optionalPositiveInteger(options.maxLimit, name('maxLimit'), Math.max(1000, minLimit), MAX_LIMIT);
  if (maxLimit < minLimit) throw new InvalidOptionError(name('maxLimit'), maxLimit, `an integer no lower than minLimit (${minLimit})`);
  const initialLimit = optionalPositiveInteger(options.initialLimit, name('initialLimit'), Math.min(Math.max(20, minLimit), maxLimit), MAX_LIMIT);
  if (initialLimit < minLimit || initialLimit > maxLimit) {
    throw new InvalidOptionError(name('initialLimit'), initialLimit, `an integer from minLimit (${minLimit}) to maxLimit (${maxLimit})`);
  }
  const criticalReserve = share(options.criticalReserve, name('criticalReserve'), 0.25, 0);
  const sheddableReserve = share(options.sheddableReserve, name('sheddableReserve'), Math.max(0.4, criticalReserve), criticalReserve);
  const clock = options.clock ?? (() => performance.now());
  if (typeof (clock as unknown) !== 'function') throw new InvalidOptionError(name('clock'), clock, 'a function returning milliseconds');
  return { algorithm, initialLimit, minLimit, maxLimit, criticalReserve, sheddableReserve, clock };
}
