import { InvalidOptionError } from '@sluice/core';
import {
  closedStoreError,
  decodeResults,
  msToMicros,
  toStoreError,
  type Policy,
  type PolicyResult,
  type BoundStore,
  type Store,
  type StoreBinding,
  type StoreRequest,
} from '@sluice/core';
import type { RedisAlgorithm } from './algorithms.js';
import { assertHashTagged } from './hash-tag.js';
import { DECISION_SCRIPT, REQUEST_ARGS, SINGLE_POLICY_SCRIPTS } from './lua/script.js';
import { resolveRedisStoreOptions, type RedisClient, type RedisStoreOptions } from './options.js';
import { preparedPolicies, type PreparedPolicies } from './prepared-policies.js';
import { RedisBinding } from './redis-binding.js';
import { CONSUME, LEASE_ID, modeArgOf, STORE } from './request-args.js';
import { REDIS_ERRORS } from './store-error.js';
import { PENALTY_SCRIPT } from './lua/penalty.js';
import { penaltyPlan, penaltyResults, penaltyScriptArgs, REDIS_ALGORITHMS, resetSuffixes } from './lua/penalty-plan.js';


/** The name the multi-policy decision script is registered under on the client (ioredis `defineCommand`). */
export const DECISION_COMMAND = 'sluiceDecide';

/** The name the script for limiters with a penalty is registered under. */
export const PENALTY_COMMAND = 'sluiceDecidePenalty';

/** The names the single-policy scripts are registered under, one per algorithm. */
export const SINGLE_POLICY_COMMANDS: Readonly<Record<RedisAlgorithm, string>> = Object.freeze({
  'fixed-window': 'sluiceDecideFixedWindow',
  'sliding-window': 'sluiceDecideSlidingWindow',
  'sliding-log': 'sluiceDecideSlidingLog',
  'token-bucket': 'sluiceDecideTokenBucket',
  'leaky-bucket': 'sluiceDecideLeakyBucket',
  concurrency: 'sluiceDecideConcurrency',
});

type ScriptCommand = (...args: string[]) => Promise<unknown>;


function failed(error: unknown): never {
  throw toStoreError(error, REDIS_ERRORS);
}

/**
 * A Store on Redis (standalone, Sentinel or Cluster) through ioredis. Every `consume` is one
 * EVALSHA of one script that evaluates all policies on the server's clock and writes all or
 * nothing; all keys of a decision share the client key's hash tag, so they share a slot. A
 * limiter with one policy runs that algorithm's own small script; several run the general one.
 */
export class RedisStore implements Store {
  readonly algorithms = REDIS_ALGORITHMS;
  /** The client it was handed; the store never quits or disconnects it. */
  readonly client: RedisClient;
  /** The store prefix's part of every key (`<prefix>:` or ''). Internal. */
  readonly keyStart: string;
  private readonly multiPolicy: ScriptCommand;
  /** The script for a limiter with a penalty (lua/penalty.ts). */
  private readonly penalized: ScriptCommand;
  private readonly singlePolicy: Readonly<Record<RedisAlgorithm, ScriptCommand>>;
  private closed = false;

  constructor(options: RedisStoreOptions) {
    const resolved = resolveRedisStoreOptions(options);
    const client = resolved.client;
    this.client = client;
    this.keyStart = resolved.keyStart;
    // ioredis sends EVALSHA and, on NOSCRIPT (restart, failover, SCRIPT FLUSH), resends the
    // script as EVAL, so an emptied script cache heals itself.
    const commands = client as unknown as Record<string, ScriptCommand>;
    client.defineCommand(DECISION_COMMAND, { lua: DECISION_SCRIPT });
    this.multiPolicy = commands[DECISION_COMMAND]!;
    client.defineCommand(PENALTY_COMMAND, { lua: PENALTY_SCRIPT });
    this.penalized = commands[PENALTY_COMMAND]!;
    const single = {} as Record<RedisAlgorithm, ScriptCommand>;
    for (const algorithm of Object.keys(SINGLE_POLICY_COMMANDS) as RedisAlgorithm[]) {
      client.defineCommand(SINGLE_POLICY_COMMANDS[algorithm], { lua: SINGLE_POLICY_SCRIPTS[algorithm], numberOfKeys: 1 });
      single[algorithm] = commands[SINGLE_POLICY_COMMANDS[algorithm]]!;
    }
    this.singlePolicy = single;
  }

  /**
   * Decides every policy of `request` for its key in one EVALSHA on Redis' clock (`TIME`), or
   * on `request.nowMs` when given; resolves one PolicyResult per policy, in order. Rejects with
   * StoreError (ERR_SLUICE_STORE, the ioredis error as `cause`) when Redis fails,
   * ERR_SLUICE_STORE_CLOSED after close(), and InvalidOptionError for a bad mode, cost or nowMs.
   */
  consume(request: StoreRequest): Promise<PolicyResult[]> {
    if (this.closed) return Promise.reject(closedStoreError(STORE));
    const { key, policies, cost, mode, nowMs, lease } = request;
    let reply: Promise<unknown>;
    try {
      // The limiter validated all of this already; a direct caller gets the same typed errors.
      assertHashTagged(key);
      const modeArg = mode === 'consume' ? CONSUME : modeArgOf(mode);
      if (modeArg === undefined) throw new InvalidOptionError('mode', mode, "'consume', 'peek', 'refund', 'release' or 'renew'");
      if (lease !== undefined && !LEASE_ID.test(lease)) throw new InvalidOptionError('lease', lease, 'a lease id: 1 to 64 letters, digits, ".", "_" or "-"');
      if (cost !== 1 && !(Number.isSafeInteger(cost) && cost >= 1)) throw new InvalidOptionError('cost', cost, 'an integer >= 1');
      if (nowMs !== undefined && !Number.isFinite(nowMs)) throw new InvalidOptionError('nowMs', nowMs, 'a finite number');
      const plan = penaltyPlan(policies);
      if (plan !== undefined) {
        const args = penaltyScriptArgs(plan, this.keyStart + key, modeArg, String(cost), nowMs === undefined ? '' : String(msToMicros(nowMs)), lease);
        return this.penalized.apply(this.client, args).then((figures) => penaltyResults(plan, figures, STORE), failed);
      }
      const prepared = preparedPolicies(policies);
      if (policies.length === 0) return Promise.resolve([]);
      reply = this.send(this.keyStart + key, prepared, modeArg, cost === 1 ? '1' : String(cost), nowMs === undefined ? '' : String(msToMicros(nowMs)), lease);
    } catch (error) {
      return Promise.reject(error);
    }
    return reply.then((figures) => decodeResults(figures, policies, STORE));
  }

  /**
   * The limiter's fast path (see Store.bind in @sluice/core): the policies' script and arguments
   * resolved once, each decision one EVALSHA whose reply becomes the Decision directly, without
   * a PolicyResult array. Same keys and state as `consume`. Undefined (the limiter keeps
   * `consume`) for no policies or a subclass that overrides `consume` or `reset`.
   */
  bind(binding: StoreBinding): BoundStore | undefined {
    const own = RedisStore.prototype;
    if (binding.policies.length === 0 || this.consume !== own.consume || this.reset !== own.reset) return undefined;
    // A penalty decides through its own script (lua/penalty.ts), by `consume`.
    if (penaltyPlan(binding.policies) !== undefined) return undefined;
    return new RedisBinding(this, binding.prefix, binding.policies);
  }

  /** Rejects with ERR_SLUICE_STORE_CLOSED once close() was called; undefined while open. Internal. */
  closedError(): Promise<never> | undefined {
    return this.closed ? Promise.reject(closedStoreError(STORE)) : undefined;
  }

  /**
   * One script call for a hash-tagged base key (store prefix included): the algorithm's own
   * script for a lone policy, else the multi-policy one; `lease`: the lease id (concurrency). Resolves to the raw reply; rejects with
   * a StoreError. Internal: RedisStore.consume and RedisBinding share it.
   */
  send(base: string, prepared: PreparedPolicies, modeArg: string, costArg: string, nowArg: string, lease?: string): Promise<unknown> {
    let reply: Promise<unknown>;
    if (prepared.leases) {
      // With a concurrency policy the lease id travels last (the scripts read ARGV[#ARGV]); '' for none.
      const leaseArg = lease ?? '';
      if (prepared.single !== undefined) {
        reply = this.singlePolicy[prepared.single].call(this.client, base + prepared.keySuffixes[0]!, modeArg, costArg, nowArg, prepared.limitArg, prepared.windowArg, leaseArg);
      } else {
        const args = this.multiPolicyArgs(base, prepared.keySuffixes, prepared.policyArgs, modeArg, costArg, nowArg);
        args.push(leaseArg);
        reply = this.multiPolicy.apply(this.client, args);
      }
    } else if (prepared.single !== undefined) {
      reply = this.singlePolicy[prepared.single].call(this.client, base + prepared.keySuffixes[0]!, modeArg, costArg, nowArg, prepared.limitArg, prepared.windowArg);
    } else {
      reply = this.multiPolicy.apply(this.client, this.multiPolicyArgs(base, prepared.keySuffixes, prepared.policyArgs, modeArg, costArg, nowArg));
    }
    return reply.then(undefined, failed);
  }

  /** One DEL of every policy's key (they share a slot, so this is Cluster-safe). */
  async reset(key: string, policies: readonly Policy[]): Promise<void> {
    if (this.closed) throw closedStoreError(STORE);
    assertHashTagged(key);
    const keySuffixes = resetSuffixes(policies);
    if (keySuffixes.length === 0) return;
    const base = this.keyStart + key;
    try {
      await this.client.del(...keySuffixes.map((suffix) => base + suffix));
    } catch (error) {
      failed(error);
    }
  }

  /** Stops this store; the client stays open, since it belongs to the caller. */
  close(): void {
    this.closed = true;
  }

  /** `[numKeys, ...keys, mode, cost, now, ...policy triples]` for the multi-policy script. */
  private multiPolicyArgs(
    base: string,
    keySuffixes: readonly string[],
    policyArgs: readonly string[],
    modeArg: string,
    costArg: string,
    nowArg: string,
  ): string[] {
    const count = keySuffixes.length;
    const args: string[] = new Array(1 + count + REQUEST_ARGS + policyArgs.length);
    args[0] = String(count);
    for (let i = 0; i < count; i++) args[1 + i] = base + keySuffixes[i];
    let at = 1 + count;
    args[at++] = modeArg;
    args[at++] = costArg;
    args[at++] = nowArg;
    for (let i = 0; i < policyArgs.length; i++) args[at++] = policyArgs[i]!;
    return args;
  }
}
