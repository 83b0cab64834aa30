import type { PolicyState } from '../algorithms/types.js';
import { ALGORITHMS, type Policy } from '../policies/policy.js';
import { monotonicMicros, msToMicros } from '../time/clock.js';
import { assertKnownKeys, assertPlainObject, optionalPositiveInteger } from '../validate.js';
import { decide, type StateTable } from './decide.js';
import { assertOpen } from './lifecycle.js';
import type { PolicyResult, Store, StoreRequest } from './types.js';

export interface MemoryStoreOptions {
  /** Hard bound on stored states (one per client key and policy). Default 1,000,000. */
  maxKeys?: number;
  /** How often the single background sweep runs. Default 10 s. */
  sweepIntervalMs?: number;
  /** States the background sweep inspects per run, so a run never stalls the event loop. Default 50,000. */
  sweepBatch?: number;
}

const OPTION_KEYS = new Set(['maxKeys', 'sweepIntervalMs', 'sweepBatch']);
/** At the bound, a full sweep for expired states runs at most this often; otherwise the oldest is evicted. */
const FULL_SWEEP_MIN_GAP_US = 1_000_000;

/**
 * In-process store. Decisions are synchronous (no await between read and write), on a
 * monotonic clock. Expiry is lazy: a stale state reads as no state, and one unref'd timer
 * sweeps in batches. At `maxKeys`, expired states go first, then the oldest created.
 */
export class MemoryStore implements Store {
  readonly algorithms = ALGORITHMS;
  readonly maxKeys: number;
  private readonly sweepIntervalMs: number;
  private readonly sweepBatch: number;
  private readonly states = new Map<string, PolicyState>();
  private readonly table: StateTable;
  private sweepTimer: ReturnType<typeof setInterval> | undefined;
  private sweepCursor: IterableIterator<[string, PolicyState]> | undefined;
  private lastFullSweepUs = -Infinity;
  /** The latest `now` a request ran at; a fake clock (nowMs) makes it the store's notion of time. */
  private lastNowUs = 0;
  private clockOverridden = false;
  private closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    assertPlainObject(options, 'MemoryStore options');
    assertKnownKeys(options, OPTION_KEYS, '');
    // `null` is a bad value, not "absent": only undefined takes the default.
    this.maxKeys = optionalPositiveInteger(options.maxKeys, 'maxKeys', 1_000_000);
    this.sweepIntervalMs = optionalPositiveInteger(options.sweepIntervalMs, 'sweepIntervalMs', 10_000, 2 ** 31 - 1);
    this.sweepBatch = optionalPositiveInteger(options.sweepBatch, 'sweepBatch', 50_000);
    const states = this.states;
    this.table = {
      // Keys arrive as concatenations (rope strings). charCodeAt makes V8 flatten one once,
      // so hashing and comparing it in the Map are plain memory scans, and a stored key is
      // ~60 bytes instead of pinning every piece (~260).
      get: (key) => {
        key.charCodeAt(0);
        return states.get(key);
      },
      set: (key, state) => {
        if (states.size >= this.maxKeys && !states.has(key)) this.makeRoom();
        key.charCodeAt(0); // already flat when `get` saw it first; cheap either way
        states.set(key, state);
        if (this.sweepTimer === undefined) this.startSweeping();
      },
      delete: (key) => states.delete(key),
    };
  }

  /** Number of stored states (client key × policy). */
  get size(): number {
    return this.states.size;
  }

  consume(request: StoreRequest): PolicyResult[] {
    assertOpen(this.closed, 'MemoryStore');
    let nowUs: number;
    if (request.nowMs === undefined) {
      nowUs = monotonicMicros();
      this.clockOverridden = false;
    } else {
      nowUs = msToMicros(request.nowMs);
      this.clockOverridden = true;
    }
    this.lastNowUs = nowUs;
    return decide(this.table, request, nowUs);
  }

  reset(key: string, policies: readonly Policy[]): void {
    for (const policy of policies) this.states.delete(key + ':' + policy.id);
  }

  close(): void {
    this.closed = true;
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.sweepCursor = undefined;
    this.states.clear();
  }

  /** Deletes expired states, up to `limit` inspected, resuming where the last batch stopped. */
  sweep(limit = Infinity): number {
    const now = this.clockOverridden ? this.lastNowUs : monotonicMicros();
    let inspected = 0;
    let removed = 0;
    this.sweepCursor ??= this.states.entries();
    while (inspected < limit) {
      const next = this.sweepCursor.next();
      if (next.done) {
        this.sweepCursor = undefined;
        break;
      }
      inspected++;
      if (next.value[1].expiresAtUs <= now) {
        this.states.delete(next.value[0]);
        removed++;
      }
    }
    return removed;
  }

  private startSweeping(): void {
    this.sweepTimer = setInterval(() => this.sweep(this.sweepBatch), this.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  private makeRoom(): void {
    const now = this.lastNowUs;
    if (now - this.lastFullSweepUs >= FULL_SWEEP_MIN_GAP_US) {
      this.lastFullSweepUs = now;
      this.sweepCursor = undefined;
      this.sweep();
      if (this.states.size < this.maxKeys) return;
    }
    // Map iteration follows insertion order: the first key is the oldest created.
    const oldest = this.states.keys().next();
    if (!oldest.done) this.states.delete(oldest.value);
  }
}
