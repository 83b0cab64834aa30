import { evaluatePolicy } from '../algorithms/evaluate.js';
import { remainingOf, resetAfter, retryAfter } from '../algorithms/sliding-window.js';
import type { Mode, PolicyState, StoreMode } from '../algorithms/types.js';
import type { BucketPolicy, Policy, WindowPolicy } from '../policies/policy.js';
import { DELETE, grown, KEEP, MemoryTable, ObjectStateTable, SET, type Room } from './memory-table.js';
import { PenaltyTable } from './memory-penalty.js';

// One table class per algorithm, each the reference model (src/algorithms) rewritten over
// columns, so each call site stays monomorphic in a process that runs one algorithm. The
// conformance suite's randomized comparison and test/memory-tables.test.ts hold them to the model.

/** Fixed window: columns start (µs) and count. */
class FixedWindowTable extends MemoryTable {
  private start = new Float64Array(0);
  private count = new Float64Array(0);
  private nextStart = 0;
  private nextCount = 0;
  private readonly windowUs: number;
  private readonly limit: number;

  constructor(policy: WindowPolicy, room: Room) {
    super(policy, room);
    this.windowUs = policy.windowUs;
    this.limit = policy.limit;
  }

  evaluate(slot: number, now: number, cost: number, mode: Mode, out: Float64Array, at: number): boolean {
    const windowUs = this.windowUs;
    const limit = this.limit;
    let start = now;
    let count = 0;
    let live = false;
    if (slot >= 0 && now < this.start[slot]! + windowUs) {
      live = true;
      start = this.start[slot]!;
      count = this.count[slot]!;
    }
    const end = start + windowUs;
    if (mode === 'refund') {
      const refunded = count > cost ? count - cost : 0;
      out[at] = 1;
      out[at + 1] = limit - refunded;
      out[at + 2] = refunded === 0 ? 0 : end - now;
      out[at + 3] = 0;
      out[at + 4] = 0;
      this.op = live ? SET : DELETE;
      this.nextStart = start;
      this.nextCount = refunded;
      return true;
    }
    const allowed = count + cost <= limit;
    if (mode === 'peek' || !allowed) {
      out[at] = allowed ? 1 : 0;
      out[at + 1] = limit - count;
      out[at + 2] = count === 0 ? 0 : end - now;
      out[at + 3] = allowed ? 0 : cost > limit ? Infinity : end - now;
      out[at + 4] = 0;
      this.op = KEEP;
      return allowed;
    }
    const charged = count + cost;
    out[at] = 1;
    out[at + 1] = limit - charged;
    out[at + 2] = end - now;
    out[at + 3] = 0;
    out[at + 4] = 0;
    this.op = SET;
    this.nextStart = start;
    this.nextCount = charged;
    return true;
  }

  expiresAt(slot: number): number {
    return this.start[slot]! + this.windowUs;
  }

  protected write(slot: number): void {
    this.start[slot] = this.nextStart;
    this.count[slot] = this.nextCount;
  }

  protected resize(capacity: number): void {
    this.start = grown(this.start, capacity);
    this.count = grown(this.count, capacity);
  }
}

/** Sliding window (weighted two-window counter): columns start (µs), current, previous. */
class SlidingWindowTable extends MemoryTable {
  private start = new Float64Array(0);
  private current = new Float64Array(0);
  private previous = new Float64Array(0);
  private nextStart = 0;
  private nextCurrent = 0;
  private nextPrevious = 0;
  private readonly window: WindowPolicy;

  constructor(policy: WindowPolicy, room: Room) {
    super(policy, room);
    this.window = policy;
  }

  evaluate(slot: number, now: number, cost: number, mode: Mode, out: Float64Array, at: number): boolean {
    const policy = this.window;
    const { limit, windowUs, windowMs } = policy;
    let start = now - (((now % windowUs) + windowUs) % windowUs);
    let current = 0;
    let previous = 0;
    if (slot >= 0) {
      const stored = this.start[slot]!;
      if (stored >= start) {
        start = stored;
        current = this.current[slot]!;
        previous = this.previous[slot]!;
      } else if (stored === start - windowUs) {
        previous = this.current[slot]!;
      }
    }
    const elapsedMs = now > start ? Math.floor((now - start) / 1000) : 0;
    const previousWeightMs = windowMs - elapsedMs;
    if (mode === 'refund') {
      const fromCurrent = Math.min(current, cost);
      current -= fromCurrent;
      previous = Math.max(0, previous - (cost - fromCurrent));
    } else {
      const allowed = previous * previousWeightMs + (current + cost) * windowMs <= limit * windowMs;
      if (mode === 'peek' || !allowed) {
        out[at] = allowed ? 1 : 0;
        out[at + 1] = remainingOf(limit, windowMs, current, previous, previousWeightMs);
        out[at + 2] = resetAfter(now, start, windowUs, current, previous);
        out[at + 3] = allowed ? 0 : retryAfter(policy, now, start, current, previous, cost);
        out[at + 4] = 0;
        this.op = KEEP;
        return allowed;
      }
      current += cost;
    }
    out[at] = 1;
    out[at + 1] = remainingOf(limit, windowMs, current, previous, previousWeightMs);
    out[at + 2] = resetAfter(now, start, windowUs, current, previous);
    out[at + 3] = 0;
    out[at + 4] = 0;
    this.op = current === 0 && previous === 0 ? DELETE : SET;
    this.nextStart = start;
    this.nextCurrent = current;
    this.nextPrevious = previous;
    return true;
  }

  expiresAt(slot: number): number {
    return this.start[slot]! + 2 * this.window.windowUs;
  }

  protected write(slot: number): void {
    this.start[slot] = this.nextStart;
    this.current[slot] = this.nextCurrent;
    this.previous[slot] = this.nextPrevious;
  }

  protected resize(capacity: number): void {
    this.start = grown(this.start, capacity);
    this.current = grown(this.current, capacity);
    this.previous = grown(this.previous, capacity);
  }
}

/** GCRA (token bucket; leaky bucket when shaping): one column, tat (µs). */
class BucketTable extends MemoryTable {
  private tat = new Float64Array(0);
  private nextTat = 0;
  private readonly capacityUnits: number;
  private readonly intervalUs: number;
  private readonly shaping: boolean;

  constructor(policy: BucketPolicy, room: Room) {
    super(policy, room);
    this.capacityUnits = policy.capacity;
    this.intervalUs = policy.intervalUs;
    this.shaping = policy.algorithm === 'leaky-bucket';
  }

  evaluate(slot: number, now: number, cost: number, mode: Mode, out: Float64Array, at: number): boolean {
    const capacity = this.capacityUnits;
    const intervalUs = this.intervalUs;
    const span = capacity * intervalUs;
    const stored = slot >= 0 ? this.tat[slot]! : now;
    const base = stored < now ? now : stored;
    if (mode === 'refund') {
      const tat = Math.max(now, base - cost * intervalUs);
      out[at] = 1;
      out[at + 1] = remainingAt(span, tat - now, intervalUs);
      out[at + 2] = tat - now;
      out[at + 3] = 0;
      out[at + 4] = 0;
      this.op = tat > now ? SET : DELETE;
      this.nextTat = tat;
      return true;
    }
    const tat = base + cost * intervalUs;
    const allowed = tat - now <= span;
    if (mode === 'peek' || !allowed) {
      out[at] = allowed ? 1 : 0;
      out[at + 1] = remainingAt(span, base - now, intervalUs);
      out[at + 2] = base - now;
      out[at + 3] = allowed ? 0 : cost > capacity ? Infinity : tat - span - now;
      out[at + 4] = 0;
      this.op = KEEP;
      return allowed;
    }
    out[at] = 1;
    out[at + 1] = remainingAt(span, tat - now, intervalUs);
    out[at + 2] = tat - now;
    out[at + 3] = 0;
    out[at + 4] = this.shaping ? base - now : 0;
    this.op = SET;
    this.nextTat = tat;
    return true;
  }

  expiresAt(slot: number): number {
    return this.tat[slot]!;
  }

  protected write(slot: number): void {
    this.tat[slot] = this.nextTat;
  }

  protected resize(capacity: number): void {
    this.tat = grown(this.tat, capacity);
  }
}

/** Clamped: a clock that stepped back (a fake clock, a failover) can put tat beyond the span. */
function remainingAt(span: number, ahead: number, intervalUs: number): number {
  const free = Math.floor((span - ahead) / intervalUs);
  return free > 0 ? free : 0;
}

/**
 * Any algorithm through the reference model, one state object per key: used for the sliding
 * log and the concurrency limit, whose states are lists (timestamps, leases: O(limit)) that no
 * fixed set of columns holds.
 */
class ObjectTable extends ObjectStateTable<PolicyState> {
  evaluate(slot: number, now: number, cost: number, mode: StoreMode, out: Float64Array, at: number, lease?: string): boolean {
    const state = slot >= 0 ? this.states[slot] : undefined;
    return this.record(evaluatePolicy(this.policy, state, now, cost, mode, lease), state, mode, out, at);
  }
}

/** The table class for a policy's algorithm. */
export function tableFor(policy: Policy, room: Room): MemoryTable {
  switch (policy.algorithm) {
    case 'fixed-window':
      return new FixedWindowTable(policy, room);
    case 'sliding-window':
      return new SlidingWindowTable(policy, room);
    case 'token-bucket':
    case 'leaky-bucket':
      return new BucketTable(policy, room);
    case 'sliding-log':
    case 'concurrency':
      return new ObjectTable(policy, room);
    case 'penalty':
      return new PenaltyTable(policy, room);
  }
}
