import { sfString } from './sf-string.js';

/** Slots per policy: a power of two, so a slot is `remaining & MASK`. */
const SLOTS = 256;
const MASK = SLOTS - 1;

/**
 * One policy's draft-10 `RateLimit` list member (`"burst";r=7;t=1`), cached per (remaining,
 * reset seconds): many clients share a window's end (same `t`) and pass through the same
 * `remaining` values, so most responses reuse a string instead of building one. Direct-mapped
 * by `remaining`; a slot holds the last pair that mapped there. Bounded (256 slots per policy).
 */
export class RateLimitMemberCache {
  private readonly remainings = new Float64Array(SLOTS).fill(-1);
  private readonly resets = new Float64Array(SLOTS);
  private readonly values: string[] = new Array<string>(SLOTS).fill('');
  /** The policy name as an sf-string, quoted once. */
  readonly quotedName: string;

  constructor(policyName: string) {
    this.quotedName = sfString(policyName);
  }

  /** `remaining` (units, an integer >= 0) and `resetSeconds` (whole seconds) to the member. */
  get(remaining: number, resetSeconds: number): string {
    const slot = remaining & MASK;
    if (this.remainings[slot] === remaining && this.resets[slot] === resetSeconds) return this.values[slot]!;
    const value = this.quotedName + ';r=' + remaining + ';t=' + resetSeconds;
    this.remainings[slot] = remaining;
    this.resets[slot] = resetSeconds;
    this.values[slot] = value;
    return value;
  }
}
