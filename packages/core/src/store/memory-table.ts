import type { Evaluation, Mode, PolicyState, StoreMode } from '../algorithms/types.js';
import type { Policy } from '../policies/policy.js';

/** What a request does to a state once it commits. */
export const KEEP = 0;
export const SET = 1;
export const DELETE = 2;

/** The store a table belongs to: counts states against maxKeys, makes room, starts the sweep. */
export interface Room {
  /** A state is about to be added to `table` (may evict one first). */
  admit(table: MemoryTable): void;
  /** A state was removed. */
  removed(): void;
}

const FIRST_CAPACITY = 16;

/**
 * The states of one policy under one prefix: client key → slot in column arrays the subclass
 * owns (typed arrays: no object per state, no boxed number; expiry is derived from the state
 * and the policy, never stored). `evaluate` writes one policy's figures at `out[at..at+4]`
 * (allowed 1/0, remaining, resetAfterUs, retryAfterUs (Infinity: never), delayUs) and keeps
 * the state this request would write in `op` and the subclass's pending fields, so `commit`
 * writes it in place. Synchronous, so one pending state per table suffices.
 */
export abstract class MemoryTable {
  readonly index = new Map<string, number>();
  /** KEEP, SET or DELETE: what `commit` does (set by `evaluate`). */
  op = KEEP;
  protected capacity = 0;
  private highWater = 0;
  private readonly free: number[] = [];
  /** Eviction cursor over `index` in insertion order (see evictOldest). */
  private oldest: Iterator<[string, number]> | undefined;

  constructor(
    readonly policy: Policy,
    private readonly room: Room,
  ) {}

  /**
   * Figures for the request at `now` (integer µs); returns whether this policy allows it.
   * `lease`: the request's lease id (concurrency tables only). Rate tables are only ever asked
   * a Mode: the store reads a lease operation as 'peek' for them (see `modeFor`).
   */
  abstract evaluate(slot: number, now: number, cost: number, mode: StoreMode, out: Float64Array, at: number, lease?: string): boolean;
  /** When the state in `slot` stops mattering (µs). */
  abstract expiresAt(slot: number): number;
  /** Writes the pending state into `slot`. */
  protected abstract write(slot: number): void;
  /** Resizes every column to `capacity` slots, keeping their contents. */
  protected abstract resize(capacity: number): void;
  /** Drops what `slot` references (object columns only). */
  protected release(_slot: number): void {}

  /** Applies `op` for `key`, whose slot is `slot` (-1: none). */
  commit(key: string, slot: number): void {
    if (this.op === SET) this.write(slot < 0 ? this.allocate(key) : slot);
    else if (this.op === DELETE && slot >= 0) this.remove(key, slot);
  }

  remove(key: string, slot: number): void {
    this.index.delete(key);
    this.release(slot);
    this.free.push(slot);
    this.room.removed();
  }

  /**
   * Removes the oldest created state; false when the table is empty. O(1) amortised: a fresh
   * `index.entries()` would step over every deleted entry the Map still holds (all at its front
   * under churn) on each eviction, so one cursor persists across evictions and steps over each
   * deleted entry once. Entries behind it were all evicted; a key set again is appended after it.
   */
  evictOldest(): boolean {
    if (this.index.size === 0) return false;
    let first = (this.oldest ??= this.index.entries()).next();
    // A Map iterator that once reported done stays done, even after new entries.
    if (first.done) first = (this.oldest = this.index.entries()).next();
    if (first.done) return false;
    this.remove(first.value[0], first.value[1]);
    return true;
  }

  /**
   * Drops the eviction cursor when no eviction is near (the store is below maxKeys): a cursor
   * pins the Map's previous backing table after a rehash until its next step.
   */
  dropEvictionCursor(): void {
    this.oldest = undefined;
  }

  clear(): void {
    this.oldest = undefined;
    this.index.clear();
    this.free.length = 0;
    this.highWater = 0;
    this.capacity = 0;
    this.resize(0);
  }

  private allocate(key: string): number {
    this.room.admit(this);
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.highWater++;
      if (slot >= this.capacity) {
        this.capacity = Math.max(FIRST_CAPACITY, this.capacity * 2);
        this.resize(this.capacity);
      }
    }
    this.index.set(key, slot);
    return slot;
  }
}

/**
 * A table holding one state object per key (lists such as the sliding log's stamps, leases, a
 * penalty's strikes): subclasses evaluate, then `record` writes the figures and what to commit.
 */
export abstract class ObjectStateTable<S extends PolicyState> extends MemoryTable {
  protected states: (S | undefined)[] = [];
  private nextState: S | undefined = undefined;

  /** Writes `e`'s figures at `out[at..at+4]` and what a commit writes; returns whether it admits. */
  protected record(e: Evaluation, state: S | undefined, mode: StoreMode, out: Float64Array, at: number): boolean {
    out[at] = e.allowed ? 1 : 0;
    out[at + 1] = e.remaining;
    out[at + 2] = e.resetAfterUs;
    out[at + 3] = e.retryAfterUs;
    out[at + 4] = e.delayUs;
    this.op = mode === 'peek' || e.next === state ? KEEP : e.next === undefined ? DELETE : SET;
    this.nextState = e.next as S | undefined;
    return e.allowed;
  }

  expiresAt(slot: number): number {
    return this.states[slot]!.expiresAtUs;
  }

  protected write(slot: number): void {
    this.states[slot] = this.nextState;
  }

  protected override release(slot: number): void {
    this.states[slot] = undefined;
  }

  protected resize(capacity: number): void {
    this.states.length = Math.min(this.states.length, capacity);
  }
}

/** The mode `table` evaluates a request of `mode` in: lease operations are peeks for rate policies. */
export function modeFor(table: MemoryTable, mode: StoreMode): StoreMode {
  return (mode === 'release' || mode === 'renew') && table.policy.algorithm !== 'concurrency' ? ('peek' satisfies Mode) : mode;
}

/** A column grown to `capacity`, contents kept. */
export function grown(column: Float64Array<ArrayBuffer>, capacity: number): Float64Array<ArrayBuffer> {
  if (capacity === 0) return new Float64Array(0);
  const next = new Float64Array(capacity);
  next.set(column.subarray(0, Math.min(column.length, capacity)));
  return next;
}
