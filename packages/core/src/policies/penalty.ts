import { InvalidOptionError } from '../errors.js';
import type { Duration } from '../time/duration.js';
import { parseDuration } from '../time/duration.js';
import { assertKnownKeys, assertNonEmptyString, assertPlainObject, assertPositiveInteger } from '../validate.js';
import { POLICY_NAME_PATTERN, registerPolicy, type PenaltyPolicy } from './policy.js';

/** Strikes are kept as timestamps (a sliding log): bounded so the state stays small. */
export const MAX_PENALTY_STRIKES = 1_000;
/** Steps of an escalating `blockFor`. */
export const MAX_PENALTY_STEPS = 16;

/**
 * Options of `penalty`. A bad or unknown option throws InvalidOptionError
 * (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION) naming it.
 */
export interface PenaltyOptions {
  /** Denials (strikes) within `within` that block the key: an integer from 1 to 1,000. */
  after: number;
  /** How long a strike counts (ms, or '30s', '1m', ...). */
  within: Duration;
  /**
   * How long a block lasts (ms, or '15m'). An array escalates: the first block lasts
   * `blockFor[0]`, the next `blockFor[1]`, ..., the last step repeating (up to 16 steps). The
   * steps are remembered while the key has been unblocked for less than the longest step;
   * after that a block starts from the first step again.
   */
  blockFor: Duration | readonly Duration[];
  /** Shown in RateLimit headers and problem bodies. Letters, digits, `_`, `.`, `-`. Default: the id. */
  name?: string;
}

const KEYS = new Set(['after', 'within', 'blockFor', 'name']);

function parseSteps(value: unknown): number[] {
  if (!Array.isArray(value)) return [parseDuration(value, 'blockFor')];
  if (value.length === 0 || value.length > MAX_PENALTY_STEPS) {
    throw new InvalidOptionError('blockFor', value, `a duration, or an array of 1 to ${MAX_PENALTY_STEPS} durations`);
  }
  return value.map((step, index) => parseDuration(step, `blockFor[${index}]`));
}

/**
 * Penalties for repeat offenders: a policy that watches the other policies of its limiter.
 * Each consume another policy denies is a strike (the one denial that writes state: the
 * penalty's own); `after` strikes within `within` block the key for `blockFor`. While blocked
 * every consume is denied (retryAfterMs and RateLimit `t` = the time left in the block) and no
 * other policy is charged. A blocked consume is not a strike, so the block never extends itself.
 * In headers it is `"<name>";q=<after>;w=<within s>`, with `r` = strikes left before a block.
 * A limiter takes at most one penalty, next to at least one other policy; the store must declare
 * 'penalty' in `algorithms`. See docs/penalties.md.
 * Throws InvalidOptionError (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION) naming the option.
 */
export function penalty(options: PenaltyOptions): PenaltyPolicy {
  assertPlainObject(options, 'penalty');
  assertKnownKeys(options, KEYS, '');
  const after = assertPositiveInteger(options.after, 'after', MAX_PENALTY_STRIKES);
  const withinMs = parseDuration(options.within, 'within');
  const blockForMs = Object.freeze(parseSteps(options.blockFor));
  const name =
    options.name === undefined
      ? undefined
      : assertNonEmptyString(options.name, 'name', POLICY_NAME_PATTERN, 'letters, digits, "_", "." or "-" (1 to 64)');
  const id = `pn-${after}-${withinMs}-${blockForMs.join('_')}`;
  return registerPolicy({
    algorithm: 'penalty',
    id,
    name: name ?? id,
    limit: after,
    windowMs: withinMs,
    withinUs: withinMs * 1000,
    blockForMs,
    blockForUs: Object.freeze(blockForMs.map((ms) => ms * 1000)),
  });
}

