import {
  ALGORITHMS,
  ErrorCodes,
  InvalidOptionError,
  msToMicros,
  StoreError,
  type Policy,
  type PolicyResult,
  type Store,
  type StoreRequest,
} from '@sluice/core';
import { assertHashTagged } from './hash-tag.js';
import { DECISION_SCRIPT } from './lua/script.js';
import { resolveRedisStoreOptions, type RedisClient, type RedisStoreOptions } from './options.js';
import { preparedPolicies } from './prepared-policies.js';
import { parseReply } from './results.js';
import { redisStoreError } from './store-error.js';

/** The name the decision script is registered under on the client (ioredis `defineCommand`). */
export const DECISION_COMMAND = 'sluiceDecide';

type DecisionCommand = (...args: (string | number)[]) => Promise<unknown>;

const MODES = new Set(['consume', 'peek', 'refund']);

function closedError(): StoreError {
  return new StoreError('RedisStore is closed.', { code: ErrorCodes.STORE_CLOSED });
}

/**
 * A Store on Redis (standalone, Sentinel or Cluster) through ioredis. Every `consume` is one
 * EVALSHA of one script that evaluates all policies on the server's clock and writes all or
 * nothing; all keys of a decision share the client key's hash tag, so they share a slot.
 */
export class RedisStore implements Store {
  readonly algorithms = ALGORITHMS;
  /** The client it was handed; the store never quits or disconnects it. */
  readonly client: RedisClient;
  private readonly keyStart: string;
  private closed = false;

  constructor(options: RedisStoreOptions) {
    const resolved = resolveRedisStoreOptions(options);
    this.client = resolved.client;
    this.keyStart = resolved.keyStart;
    // ioredis sends EVALSHA and, on NOSCRIPT (restart, failover, SCRIPT FLUSH), resends the
    // script as EVAL, so an emptied script cache heals itself.
    this.client.defineCommand(DECISION_COMMAND, { lua: DECISION_SCRIPT });
  }

  consume(request: StoreRequest): Promise<PolicyResult[]> {
    if (this.closed) return Promise.reject(closedError());
    const { policies, cost, mode, nowMs } = request;
    let args: (string | number)[];
    try {
      args = this.scriptArgs(request.key, policies, cost, mode, nowMs);
    } catch (error) {
      return Promise.reject(error);
    }
    if (policies.length === 0) return Promise.resolve([]);
    const decide = (this.client as unknown as Record<string, DecisionCommand>)[DECISION_COMMAND]!;
    return decide.apply(this.client, args).then(
      (reply) => parseReply(reply, policies),
      (error: unknown) => {
        throw redisStoreError(error);
      },
    );
  }

  /** One DEL of every policy's key (they share a slot, so this is Cluster-safe). */
  async reset(key: string, policies: readonly Policy[]): Promise<void> {
    if (this.closed) throw closedError();
    assertHashTagged(key);
    const { keySuffixes } = preparedPolicies(policies);
    if (keySuffixes.length === 0) return;
    const base = this.keyStart + key;
    try {
      await this.client.del(...keySuffixes.map((suffix) => base + suffix));
    } catch (error) {
      throw redisStoreError(error);
    }
  }

  /** Stops this store; the client stays open, since it belongs to the caller. */
  close(): void {
    this.closed = true;
  }

  /** `[numKeys, ...keys, mode, cost, now, ...policy triples]` for the decision script. */
  private scriptArgs(
    key: string,
    policies: readonly Policy[],
    cost: number,
    mode: string,
    nowMs: number | undefined,
  ): (string | number)[] {
    assertHashTagged(key);
    if (!MODES.has(mode)) throw new InvalidOptionError('mode', mode, "'consume', 'peek' or 'refund'");
    if (!Number.isSafeInteger(cost) || cost < 1) throw new InvalidOptionError('cost', cost, 'an integer >= 1');
    if (nowMs !== undefined && !Number.isFinite(nowMs)) throw new InvalidOptionError('nowMs', nowMs, 'a finite number');
    const { keySuffixes, policyArgs } = preparedPolicies(policies);
    const count = keySuffixes.length;
    const args: (string | number)[] = new Array(1 + count + 3 + policyArgs.length);
    args[0] = count;
    const base = this.keyStart + key;
    for (let i = 0; i < count; i++) args[1 + i] = base + keySuffixes[i];
    let at = 1 + count;
    args[at++] = mode;
    args[at++] = String(cost);
    args[at++] = nowMs === undefined ? '' : String(msToMicros(nowMs));
    for (let i = 0; i < policyArgs.length; i++) args[at++] = policyArgs[i]!;
    return args;
  }
}
