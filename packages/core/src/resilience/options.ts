import { InvalidOptionError } from '../errors.js';
import { MAX_TIMER_MS } from '../time/timers.js';
import { assertKnownKeys, assertPlainObject, optionalPositiveInteger } from '../validate.js';

/** Options of a store's circuit breaker (limiter option `breaker`). */
export interface BreakerOptions {
  /** Failures in a row (errors and timeouts) that open the breaker: an integer >= 1. Default 5. */
  failureThreshold?: number;
  /**
   * Also open when at least this share of calls within `windowMs` failed (a number in (0, 1]),
   * once `minimumCalls` calls were made in it. Default: none (only `failureThreshold`).
   */
  failureRatio?: number;
  /** Calls within `windowMs` before `failureRatio` applies: an integer >= 1, only with `failureRatio`. Default 20. */
  minimumCalls?: number;
  /** The window of `failureRatio`, in ms (integer 1..2^31-1), only with `failureRatio`. Default 10_000. */
  windowMs?: number;
  /** How long the breaker stays open before letting probes through, in ms (integer 1..2^31-1). Default 1_000. */
  cooldownMs?: number;
  /** Probe calls let through while half-open; that many successes close it, one failure reopens it. Integer 1..100. Default 2. */
  halfOpenProbes?: number;
}

export interface ResolvedBreakerOptions {
  readonly failureThreshold: number;
  readonly failureRatio: number | undefined;
  readonly minimumCalls: number;
  readonly windowMs: number;
  readonly cooldownMs: number;
  readonly halfOpenProbes: number;
}

/** Options of a limiter's block cache (limiter option `blockCache`). */
export interface BlockCacheOptions {
  /** Keys held at most (oldest evicted first): an integer >= 1. Default 10_000. */
  maxEntries?: number;
}

export interface ResolvedBlockCacheOptions {
  readonly maxEntries: number;
}

/**
 * The breaker's defaults: opens after 5 consecutive failures (no ratio rule; with one, at least
 * 20 calls in a 10 s window), stays open 1 s, then lets 2 probes through half-open. A short
 * cool-down: decisions are the store's again about a second after it answers (an open breaker costs
 * one probe round per cool-down, so a dead store sees 2 calls a second).
 */
export const BREAKER_DEFAULTS: ResolvedBreakerOptions = Object.freeze({
  failureThreshold: 5,
  failureRatio: undefined,
  minimumCalls: 20,
  windowMs: 10_000,
  cooldownMs: 1_000,
  halfOpenProbes: 2,
});
/** Default `blockCache.maxEntries`: denied keys remembered per limiter. */
export const DEFAULT_BLOCK_CACHE_ENTRIES = 10_000;

const BREAKER_KEYS: ReadonlySet<string> = new Set(['failureThreshold', 'failureRatio', 'minimumCalls', 'windowMs', 'cooldownMs', 'halfOpenProbes']);
const BLOCK_CACHE_KEYS: ReadonlySet<string> = new Set(['maxEntries']);

/**
 * `breaker`: undefined or true (the defaults), false (off), or BreakerOptions. Throws
 * InvalidOptionError naming `breaker.<option>` (ERR_SLUICE_INVALID_OPTION,
 * ERR_SLUICE_UNKNOWN_OPTION); so is `minimumCalls` or `windowMs` set to other than its default
 * without `failureRatio` (they only shape the ratio rule, so alone they would do nothing).
 */
export function resolveBreakerOptions(value: unknown): ResolvedBreakerOptions | false {
  if (value === false) return false;
  if (value === undefined) return BREAKER_DEFAULTS;
  if (value === true) return BREAKER_DEFAULTS;
  assertPlainObject(value, 'breaker');
  assertKnownKeys(value, BREAKER_KEYS, 'breaker');
  const ratio = value.failureRatio;
  if (ratio !== undefined && !(typeof ratio === 'number' && ratio > 0 && ratio <= 1)) {
    throw new InvalidOptionError('breaker.failureRatio', ratio, 'a number above 0 and at most 1');
  }
  const resolved = Object.freeze({
    failureThreshold: optionalPositiveInteger(value.failureThreshold, 'breaker.failureThreshold', BREAKER_DEFAULTS.failureThreshold),
    failureRatio: ratio as number | undefined,
    minimumCalls: optionalPositiveInteger(value.minimumCalls, 'breaker.minimumCalls', BREAKER_DEFAULTS.minimumCalls),
    windowMs: optionalPositiveInteger(value.windowMs, 'breaker.windowMs', BREAKER_DEFAULTS.windowMs, MAX_TIMER_MS),
    cooldownMs: optionalPositiveInteger(value.cooldownMs, 'breaker.cooldownMs', BREAKER_DEFAULTS.cooldownMs, MAX_TIMER_MS),
    halfOpenProbes: optionalPositiveInteger(value.halfOpenProbes, 'breaker.halfOpenProbes', BREAKER_DEFAULTS.halfOpenProbes, 100),
  });
  if (ratio === undefined) {
    // The default values pass: resolved options (limiter.options.breaker) are given back by withPolicies.
    for (const name of ['minimumCalls', 'windowMs'] as const) {
      if (resolved[name] !== BREAKER_DEFAULTS[name]) {
        throw new InvalidOptionError(`breaker.${name}`, value[name], 'to be set only with breaker.failureRatio (it shapes the ratio rule)');
      }
    }
  }
  return resolved;
}

/** `blockCache`: undefined (defaults), false (off), or BlockCacheOptions. Typed errors naming `blockCache.<option>`. */
export function resolveBlockCacheOptions(value: unknown): ResolvedBlockCacheOptions | false {
  if (value === false) return false;
  if (value === undefined || value === true) return { maxEntries: DEFAULT_BLOCK_CACHE_ENTRIES };
  assertPlainObject(value, 'blockCache');
  assertKnownKeys(value, BLOCK_CACHE_KEYS, 'blockCache');
  return Object.freeze({ maxEntries: optionalPositiveInteger(value.maxEntries, 'blockCache.maxEntries', DEFAULT_BLOCK_CACHE_ENTRIES) });
}
