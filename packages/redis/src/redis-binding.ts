import {
  decodeResults,
  encodeClientKey,
  FiguresDecision,
  msToMicros,
  NEVER,
  RESULT_FIELDS,
  type BoundStore,
  type Decision,
  type StoreMode,
  type Policy,
} from '@sluice/core';
import { preparedPolicies, type PreparedPolicies } from './prepared-policies.js';
import type { RedisStore } from './redis-store.js';
import { CONSUME, modeArgOf, STORE } from './request-args.js';

/**
 * A RedisStore bound to one limiter's prefix and policies (core's Store.bind): the key's start,
 * the script and its policy arguments are resolved here once; a decision builds one key string
 * (per policy for several) and turns the reply into core's FiguresDecision through one reused
 * Float64Array, with no PolicyResult array in between. It reads and writes exactly the keys
 * `RedisStore.consume` does for `baseKey(prefix, clientKey)`.
 */
export class RedisBinding implements BoundStore {
  private readonly store: RedisStore;
  private readonly policies: readonly Policy[];
  private readonly prepared: PreparedPolicies;
  /** `<limiter prefix>:{`: the client key and `}` follow, making the base key core's baseKey() builds. */
  private readonly baseStart: string;
  /** The same with the store's prefix in front: where the state keys start. */
  private readonly keyStart: string;
  /** The reply decoded in place; FiguresDecision reads (or copies) it in its constructor. */
  private readonly figures: Float64Array;

  constructor(store: RedisStore, prefix: string, policies: readonly Policy[]) {
    this.store = store;
    this.policies = policies;
    this.prepared = preparedPolicies(policies);
    this.baseStart = prefix + ':{';
    this.keyStart = store.keyStart + this.baseStart;
    this.figures = new Float64Array(policies.length * RESULT_FIELDS);
  }

  /** Input validated by the limiter (cost an integer >= 1, nowMs finite or undefined). */
  decide(clientKey: string, cost: number, mode: StoreMode, nowMs: number | undefined, lease?: string): Promise<Decision> {
    const closed = this.store.closedError();
    if (closed !== undefined) return closed;
    const base = this.keyStart + encodeClientKey(clientKey) + '}';
    const modeArg = mode === 'consume' ? CONSUME : modeArgOf(mode)!;
    const nowArg = nowMs === undefined ? '' : String(msToMicros(nowMs));
    return this.store.send(base, this.prepared, modeArg, cost === 1 ? '1' : String(cost), nowArg, lease).then((reply) => this.decision(reply));
  }

  reset(clientKey: string): Promise<void> {
    return this.store.reset(this.baseStart + encodeClientKey(clientKey) + '}', this.policies);
  }

  private decision(reply: unknown): Decision {
    const figures = this.figures;
    if (!Array.isArray(reply) || reply.length !== figures.length) return this.unexpected(reply);
    for (let i = 0; i < figures.length; i++) {
      const figure: unknown = reply[i];
      if (typeof figure !== 'number') return this.unexpected(reply);
      // RESULT_FIELD: retryAfterUs is the fourth of each policy's five; NEVER on the wire is Infinity here.
      figures[i] = figure === NEVER && i % RESULT_FIELDS === 3 ? Infinity : figure;
    }
    return new FiguresDecision(this.policies, figures);
  }

  /** Throws decodeResults's StoreError (ERR_SLUICE_STORE) for a reply of the wrong shape. */
  private unexpected(reply: unknown): never {
    decodeResults(reply, this.policies, STORE);
    throw new Error('unreachable: decodeResults accepted a reply the binding refused');
  }
}
