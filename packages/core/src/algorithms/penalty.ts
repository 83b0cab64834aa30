import type { PenaltyPolicy } from '../policies/policy.js';
import type { Evaluation, PenaltyState, StoreMode } from './types.js';

// The reference model of the penalty (see policies/penalty.ts). Unlike the other algorithms
// it depends on the rest of the decision: the store first asks whether the key is blocked
// (then no other policy is charged), and after evaluating the others tells it whether any
// of them denied (a strike). Stores in Lua and SQL implement exactly this.

const NO_STRIKES: readonly number[] = [];

/** How long the key stays blocked at `now` (µs; 0 when it is not blocked). */
export function penaltyBlockLeft(state: PenaltyState | undefined, now: number): number {
  return state !== undefined && state.blockedUntilUs > now ? state.blockedUntilUs - now : 0;
}

/** How long escalation steps are remembered after a block ends: the longest step (0 for a fixed block). */
export function penaltyMemoryUs(policy: PenaltyPolicy): number {
  const steps = policy.blockForUs;
  return steps.length === 1 ? 0 : Math.max(...steps);
}

/** Index of the first strike still counting at `now` (a stamp counts while now < stamp + within). */
function firstLive(policy: PenaltyPolicy, strikes: readonly number[], now: number): number {
  let i = 0;
  while (i < strikes.length && strikes[i]! + policy.withinUs <= now) i++;
  return i;
}

/** When the state stops mattering: its last strike stops counting, and the block and its memory end. */
function expiryOf(policy: PenaltyPolicy, strikes: readonly number[], blockedUntilUs: number, level: number): number {
  const lastStrike = strikes.length === 0 ? 0 : strikes[strikes.length - 1]! + policy.withinUs;
  const blockEnd = level === 0 ? 0 : blockedUntilUs + penaltyMemoryUs(policy);
  return Math.max(lastStrike, blockEnd);
}

/**
 * The penalty's verdict. `othersDenied`: another policy of the same consume denied it (a
 * strike, unless the key is blocked). Figures: blocked → denied (consume and peek; other modes
 * are allowed: a refund or lease release must still reach the other policies), remaining 0,
 * resetAfter = retryAfter = time left in the block. Otherwise allowed, remaining = strikes left
 * before a block (`after` − live strikes), resetAfter = until the newest strike stops counting.
 * The strike that reaches `after` blocks at once: it reports the new block as a denial.
 * State changes only on a strike (a consume others denied while not blocked); a strike
 * forgets strikes that stopped counting, and a block clears the strikes and raises the level.
 */
export function evaluatePenalty(
  policy: PenaltyPolicy,
  state: PenaltyState | undefined,
  now: number,
  mode: StoreMode,
  othersDenied: boolean,
): Evaluation {
  const left = penaltyBlockLeft(state, now);
  if (left > 0) {
    const denies = mode === 'consume' || mode === 'peek';
    return { allowed: !denies, remaining: 0, resetAfterUs: left, retryAfterUs: denies ? left : 0, delayUs: 0, next: state };
  }
  const stamps = state === undefined ? NO_STRIKES : state.strikes;
  const from = firstLive(policy, stamps, now);
  if (mode !== 'consume' || !othersDenied) {
    // No allocation on this path: it runs for every admitted request.
    const count = stamps.length - from;
    const reset = count === 0 ? 0 : stamps[stamps.length - 1]! + policy.withinUs - now;
    return { allowed: true, remaining: policy.limit - count, resetAfterUs: reset, retryAfterUs: 0, delayUs: 0, next: state };
  }
  // A strike. The escalation level survives while the last block ended less than the memory ago.
  const remembered = state !== undefined && state.level > 0 && state.blockedUntilUs + penaltyMemoryUs(policy) > now;
  const level = remembered ? state.level : 0;
  const strikes = [...stamps.slice(from), now];
  if (strikes.length < policy.limit) {
    const blockedUntilUs = remembered ? state.blockedUntilUs : 0;
    const next: PenaltyState = { expiresAtUs: expiryOf(policy, strikes, blockedUntilUs, level), strikes, blockedUntilUs, level };
    return { allowed: true, remaining: policy.limit - strikes.length, resetAfterUs: policy.withinUs, retryAfterUs: 0, delayUs: 0, next };
  }
  const steps = policy.blockForUs;
  const blockUs = steps[Math.min(level, steps.length - 1)]!;
  const blockedUntilUs = now + blockUs;
  const next: PenaltyState = { expiresAtUs: expiryOf(policy, [], blockedUntilUs, level + 1), strikes: [], blockedUntilUs, level: level + 1 };
  return { allowed: false, remaining: 0, resetAfterUs: blockUs, retryAfterUs: blockUs, delayUs: 0, next };
}
