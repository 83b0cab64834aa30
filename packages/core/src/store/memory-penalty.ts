import { evaluatePenalty, penaltyBlockLeft } from '../algorithms/penalty.js';
import type { PenaltyState, StoreMode } from '../algorithms/types.js';
import type { PenaltyPolicy } from '../policies/policy.js';
import { KEEP, type MemoryTable, modeFor, ObjectStateTable, type Room } from './memory-table.js';

/** Figures per policy (see MemoryTable.evaluate). */
const FIELDS = 5;

/** The penalty's states (strike stamps, block end, level: one object per key, like the sliding log). */
export class PenaltyTable extends ObjectStateTable<PenaltyState> {
  private readonly penalty: PenaltyPolicy;
  /** Set by `decidePenalized` just before `evaluate`: the other policies denied this consume (a strike). */
  othersDenied = false;

  constructor(policy: PenaltyPolicy, room: Room) {
    super(policy, room);
    this.penalty = policy;
  }

  /** µs the key in `slot` stays blocked (0: not blocked). */
  blockLeft(slot: number, now: number): number {
    return slot < 0 ? 0 : penaltyBlockLeft(this.states[slot], now);
  }

  evaluate(slot: number, now: number, _cost: number, mode: StoreMode, out: Float64Array, at: number): boolean {
    if (slot < 0 && !this.othersDenied) {
      // No state and no strike (most keys, most requests): the full allowance, nothing to write.
      out[at] = 1;
      out[at + 1] = this.penalty.limit;
      out[at + 2] = 0;
      out[at + 3] = 0;
      out[at + 4] = 0;
      this.op = KEEP;
      return true;
    }
    const state = slot >= 0 ? this.states[slot] : undefined;
    const e = evaluatePenalty(this.penalty, state, now, mode, this.othersDenied);
    this.othersDenied = false;
    return this.record(e, state, mode, out, at);
  }
}

/** What `decidePenalized` needs of the store: removals moved means a commit evicted a key. */
interface Removals {
  readonly removals: number;
}

/**
 * All-or-nothing over `tables` for client key `id` when `tables[at]` is a penalty, synchronously
 * (the memory twin of store/decide-penalty.ts): a blocked key's consume evaluates the others as
 * a peek and changes nothing; otherwise the others decide as in `decideAll`, and a consume they
 * deny commits only the penalty's strike (and block).
 */
export function decidePenalized(
  store: Removals,
  tables: readonly MemoryTable[],
  at: number,
  id: string,
  now: number,
  cost: number,
  mode: StoreMode,
  out: Float64Array,
  slots: Int32Array,
  lease: string | undefined,
): void {
  const penalty = tables[at] as PenaltyTable;
  const penaltySlot = (slots[at] = penalty.index.get(id) ?? -1);
  const blocked = mode === 'consume' && penalty.blockLeft(penaltySlot, now) > 0;
  let allowed = true;
  for (let i = 0; i < tables.length; i++) {
    if (i === at) continue;
    const table = tables[i]!;
    const slot = (slots[i] = table.index.get(id) ?? -1);
    if (!table.evaluate(slot, now, cost, blocked ? 'peek' : modeFor(table, mode), out, i * FIELDS, lease)) allowed = false;
  }
  penalty.othersDenied = mode === 'consume' && !blocked && !allowed;
  penalty.evaluate(penaltySlot, now, cost, mode, out, at * FIELDS);
  if (mode === 'peek') return;
  if (mode === 'consume' && (blocked || !allowed)) {
    if (!blocked) {
      // The others are not charged: those that allowed report what a peek would.
      for (let i = 0; i < tables.length; i++) {
        if (i !== at && out[i * FIELDS] === 1) tables[i]!.evaluate(slots[i]!, now, cost, 'peek', out, i * FIELDS, lease);
      }
    }
    penalty.commit(id, penaltySlot);
    return;
  }
  const removals = store.removals;
  for (let i = 0; i < tables.length; i++) {
    const table = tables[i]!;
    // Making room for one table's new state may have evicted this key from another: look again.
    table.commit(id, store.removals === removals ? slots[i]! : (table.index.get(id) ?? -1));
  }
}
