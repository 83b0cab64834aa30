import type { StoreMode } from '../algorithms/types.js';
import { FiguresDecision, resultsOf } from '../limiter/figures-decision.js';
import type { Decision } from '../limiter/decision.js';
import { ALL_ALGORITHMS, type Policy } from '../policies/policy.js';
import { monotonicMicros, msToMicros } from '../time/clock.js';
import { assertKnownKeys, assertPlainObject, optionalPositiveInteger } from '../validate.js';
import { assertOpen } from './lifecycle.js';
import { memoryIdOf, memoryIdOfEncoded } from './memory-keys.js';
import { modeFor, type MemoryTable, type Room } from './memory-table.js';
import { tableFor } from './memory-tables.js';
import { decidePenalized } from './memory-penalty.js';
import type { BoundStore, PolicyResult, Store, StoreBinding, StoreRequest } from './types.js';

/**
 * Options of `new MemoryStore(options)`, all optional. A bad or unknown option throws
 * InvalidOptionError (ERR_SLUICE_INVALID_OPTION / ERR_SLUICE_UNKNOWN_OPTION) naming it.
 */
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
/** Figures per policy (see MemoryTable.evaluate). */
const FIELDS = 5;
/** Group of keys that do not have the `<prefix>:{<client key>}` form (a store called directly). */
const UNTAGGED = '\0';

/**
 * A base key `<prefix>:{<encoded client key>}` split into its table group (the prefix) and
 * the client key as tables hold it (the same id a bound limiter uses, see memory-keys.ts).
 */
function splitBaseKey(key: string): [group: string, id: string] {
  const open = key.indexOf(':{');
  if (open < 0 || key.charCodeAt(key.length - 1) !== 0x7d) return [UNTAGGED, key];
  return [key.slice(0, open), memoryIdOfEncoded(key.slice(open + 2, -1))];
}

/**
 * In-process store. Decisions are synchronous (no await between read and write), on a
 * monotonic clock. One table per (prefix, policy): client key → slot in typed-array columns,
 * mutated in place. Expiry is lazy: a stale state reads as no state, and one unref'd timer
 * sweeps in batches. At `maxKeys`, expired states go first, then the oldest created.
 *
 * `bind` resolves a limiter's tables once, so its decisions look up the caller's key as
 * given (encoded only when long or starting with `%`) and build one decision object each.
 */
export class MemoryStore implements Store, Room {
  readonly algorithms = ALL_ALGORITHMS;
  /** Hard bound on stored states (one per client key and policy). */
  readonly maxKeys: number;
  private readonly sweepIntervalMs: number;
  private readonly sweepBatch: number;
  /** `<group> <policy.id>` → table (a space never occurs in a prefix). */
  private readonly tables = new Map<string, MemoryTable>();
  private count = 0;
  /** States removed so far: a multi-policy commit re-reads its slots only when this moved. */
  removals = 0;
  private sweepTimer: ReturnType<typeof setInterval> | undefined;
  private sweepCursor: Iterator<[MemoryTable, string, number]> | undefined;
  private lastFullSweepUs = -Infinity;
  /** The latest `now` a request ran at; a fake clock (nowMs) makes it the store's notion of time. */
  lastNowUs = 0;
  /** True while the latest request gave `nowMs` (a fake clock): the sweep then expires by that clock's time. */
  clockOverridden = false;
  /** True after close(): further calls throw StoreError ERR_SLUICE_STORE_CLOSED. */
  closed = false;

  constructor(options: MemoryStoreOptions = {}) {
    assertPlainObject(options, 'MemoryStore options');
    assertKnownKeys(options, OPTION_KEYS, '');
    // `null` is a bad value, not "absent": only undefined takes the default.
    this.maxKeys = optionalPositiveInteger(options.maxKeys, 'maxKeys', 1_000_000);
    this.sweepIntervalMs = optionalPositiveInteger(options.sweepIntervalMs, 'sweepIntervalMs', 10_000, 2 ** 31 - 1);
    this.sweepBatch = optionalPositiveInteger(options.sweepBatch, 'sweepBatch', 50_000);
  }

  /** Number of stored states (client key × policy). */
  get size(): number {
    return this.count;
  }

  /** The limiter's fast path (see Store.bind); undefined when `consume` or `reset` is overridden. */
  bind(binding: StoreBinding): BoundStore | undefined {
    if (this.consume !== MemoryStore.prototype.consume || this.reset !== MemoryStore.prototype.reset) return undefined;
    return new MemoryBinding(this, binding.policies, binding.policies.map((policy) => this.table(binding.prefix, policy)));
  }

  /**
   * Decides every policy of `request` synchronously, all or nothing, on the monotonic clock (or
   * `request.nowMs`); returns one PolicyResult per policy, in order. Throws StoreError
   * ERR_SLUICE_STORE_CLOSED after close().
   */
  consume(request: StoreRequest): PolicyResult[] {
    assertOpen(this.closed, 'MemoryStore');
    const now = this.now(request.nowMs);
    const [group, id] = splitBaseKey(request.key);
    const { policies } = request;
    const tables = policies.map((policy) => this.table(group, policy));
    const out = new Float64Array(policies.length * FIELDS);
    const slots = new Int32Array(policies.length);
    const penaltyAt = penaltyIndex(policies);
    if (penaltyAt >= 0) decidePenalized(this, tables, penaltyAt, id, now, request.cost, request.mode, out, slots, request.lease);
    else decideAll(this, tables, id, now, request.cost, request.mode, out, slots, request.lease);
    return resultsOf(policies, out);
  }

  reset(key: string, policies: readonly Policy[]): void {
    const [group, id] = splitBaseKey(key);
    for (const policy of policies) forget(this.tables.get(group + ' ' + policy.id), id);
  }

  close(): void {
    this.closed = true;
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    this.sweepCursor = undefined;
    for (const table of this.tables.values()) table.clear();
    this.count = 0;
  }

  /** Deletes expired states, up to `limit` inspected, resuming where the last batch stopped. */
  sweep(limit = Infinity): number {
    const now = this.clockOverridden ? this.lastNowUs : monotonicMicros();
    let inspected = 0;
    let removed = 0;
    this.sweepCursor ??= this.entries();
    while (inspected < limit) {
      const next = this.sweepCursor.next();
      if (next.done) {
        this.sweepCursor = undefined;
        break;
      }
      inspected++;
      const [table, key, slot] = next.value;
      if (table.expiresAt(slot) <= now) {
        table.remove(key, slot);
        removed++;
      }
    }
    if (this.count < this.maxKeys) for (const table of this.tables.values()) table.dropEvictionCursor();
    return removed;
  }

  /** Room: a state is about to be added. */
  admit(table: MemoryTable): void {
    if (this.count >= this.maxKeys) this.makeRoom(table);
    this.count++;
    if (this.sweepTimer === undefined) this.startSweeping();
  }

  /** Room: a state was removed. */
  removed(): void {
    this.count--;
    this.removals++;
  }

  /** The request's time in integer µs: `nowMs` when given (a fake clock), else the monotonic clock. */
  now(nowMs: number | undefined): number {
    if (nowMs === undefined) {
      this.clockOverridden = false;
      return (this.lastNowUs = monotonicMicros());
    }
    this.clockOverridden = true;
    return (this.lastNowUs = msToMicros(nowMs));
  }

  private table(group: string, policy: Policy): MemoryTable {
    const name = group + ' ' + policy.id;
    let table = this.tables.get(name);
    if (table === undefined) {
      table = tableFor(policy, this);
      this.tables.set(name, table);
    }
    return table;
  }

  private *entries(): Generator<[MemoryTable, string, number]> {
    for (const table of this.tables.values()) for (const [key, slot] of table.index) yield [table, key, slot];
  }

  private startSweeping(): void {
    this.sweepTimer = setInterval(() => this.sweep(this.sweepBatch), this.sweepIntervalMs);
    this.sweepTimer.unref();
  }

  private makeRoom(table: MemoryTable): void {
    const now = this.lastNowUs;
    if (now - this.lastFullSweepUs >= FULL_SWEEP_MIN_GAP_US) {
      this.lastFullSweepUs = now;
      this.sweepCursor = undefined;
      this.sweep();
      if (this.count < this.maxKeys) return;
    }
    // Each table's index follows insertion order: its first live key is its oldest state. The
    // table that needs room gives one up first, so one busy policy cannot evict the others.
    if (table.evictOldest()) return;
    for (const other of this.tables.values()) if (other.evictOldest()) return;
  }
}

/** Where the penalty is among `policies` (-1: none): it decides with the others (memory-penalty.ts). */
function penaltyIndex(policies: readonly Policy[]): number {
  return policies.findIndex((policy) => policy.algorithm === 'penalty');
}

function forget(table: MemoryTable | undefined, id: string): void {
  if (table === undefined) return;
  const slot = table.index.get(id);
  if (slot !== undefined) table.remove(id, slot);
}

/**
 * All-or-nothing over several tables for client key `id`: evaluate all, then commit all only
 * if the request commits (consume: every policy allowed; refund: always; peek: never). A
 * policy that allowed while another denied reports what a peek would.
 */
function decideAll(
  store: MemoryStore,
  tables: readonly MemoryTable[],
  id: string,
  now: number,
  cost: number,
  mode: StoreMode,
  out: Float64Array,
  slots: Int32Array,
  lease: string | undefined,
): void {
  let allowed = true;
  for (let i = 0; i < tables.length; i++) {
    const table = tables[i]!;
    const slot = (slots[i] = table.index.get(id) ?? -1);
    if (!table.evaluate(slot, now, cost, modeFor(table, mode), out, i * FIELDS, lease)) allowed = false;
  }
  if (mode === 'peek') return;
  if (mode === 'consume' && !allowed) {
    for (let i = 0; i < tables.length; i++) {
      if (out[i * FIELDS] === 1) tables[i]!.evaluate(slots[i]!, now, cost, 'peek', out, i * FIELDS, lease);
    }
    return;
  }
  const removals = store.removals;
  for (let i = 0; i < tables.length; i++) {
    const table = tables[i]!;
    // Making room for one table's new state may have evicted this key from another: look again.
    table.commit(id, store.removals === removals ? slots[i]! : (table.index.get(id) ?? -1));
  }
}

/** One limiter's view of a MemoryStore: its tables resolved once, a scratch array for figures. */
class MemoryBinding implements BoundStore {
  private readonly single: MemoryTable | undefined;
  private readonly out: Float64Array;
  private readonly slots: Int32Array;
  /** Where the penalty is (-1: none; a lone penalty takes the single-table path). */
  private readonly penaltyAt: number;

  constructor(
    private readonly store: MemoryStore,
    private readonly policies: readonly Policy[],
    private readonly tables: readonly MemoryTable[],
  ) {
    this.single = tables.length === 1 ? tables[0] : undefined;
    this.out = new Float64Array(tables.length * FIELDS);
    this.slots = new Int32Array(tables.length);
    this.penaltyAt = tables.length > 1 ? penaltyIndex(policies) : -1;
  }

  decide(clientKey: string, cost: number, mode: StoreMode, nowMs: number | undefined, lease?: string): Decision {
    const store = this.store;
    assertOpen(store.closed, 'MemoryStore');
    const now = store.now(nowMs);
    const id = memoryIdOf(clientKey);
    const out = this.out;
    const single = this.single;
    if (single !== undefined) {
      const slot = single.index.get(id) ?? -1;
      single.evaluate(slot, now, cost, modeFor(single, mode), out, 0, lease);
      if (mode !== 'peek') single.commit(id, slot);
    } else if (this.penaltyAt >= 0) {
      decidePenalized(store, this.tables, this.penaltyAt, id, now, cost, mode, out, this.slots, lease);
    } else {
      decideAll(store, this.tables, id, now, cost, mode, out, this.slots, lease);
    }
    return new FiguresDecision(this.policies, out);
  }

  reset(clientKey: string): void {
    const id = memoryIdOf(clientKey);
    for (const table of this.tables) forget(table, id);
  }
}
