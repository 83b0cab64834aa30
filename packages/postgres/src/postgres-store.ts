import {
  ALGORITHMS,
  InvalidOptionError,
  assertOpen,
  decodeResult,
  MODE_CODES,
  msToMicros,
  StoreError,
  type Algorithm,
  type Policy,
  type PolicyResult,
  type Store,
  type StoreRequest,
} from '@sluice/core';
import pg, { type Pool, type QueryArrayConfig } from 'pg';
import { AutoMigration } from './auto-migration.js';
import { PREPARED_STATEMENT_MISMATCH, storeFailure } from './errors.js';
import { assertStorableKey } from './key-guard.js';
import { migrate } from './migrate.js';
import { resolveOptions, type PostgresStoreOptions } from './options.js';
import { buildPlan, type PolicyPlan, type UpsertPlan } from './policy-plan.js';
import { penaltyPlan, penaltyQuery, penaltyResults } from './penalty-plan.js';
import { objectNames, type ObjectNames } from './sql/names.js';
import { statementName } from './statement-name.js';
import { sweepExpired, SweepTimer, type SweepOptions } from './sweeper.js';

/** Costs beyond every limit behave alike; clamping keeps them inside bigint arithmetic. */
const MAX_COST = Number.MAX_SAFE_INTEGER;

/**
 * Rate-limit state in PostgreSQL. Every `consume` is one SQL statement (a call of the
 * decision function `migrate()` installs), sent as a named prepared statement (or an unnamed
 * one: `preparedStatements: false`, for poolers): the rows are locked, every policy evaluated
 * and the request committed all-or-nothing inside it, on the database clock unless `nowMs`
 * is given.
 */
export class PostgresStore implements Store {
  /** The rate algorithms, the penalty (sql/penalty-function.ts) and the concurrency limit (leases, sql/decide-function.ts). */
  readonly algorithms: readonly Algorithm[] = Object.freeze([...ALGORITHMS, 'penalty', 'concurrency'] as const);
  /** The pg Pool it queries: yours (`pool`, never ended by the store) or its own (`connectionString`, ended on close()). */
  readonly pool: Pool;
  /** The quoted, schema-qualified names of its table, functions and index. */
  readonly names: ObjectNames;
  private readonly ownsPool: boolean;
  private readonly unlogged: boolean;
  private readonly sweepBatch: number;
  private readonly onError: ((error: StoreError) => void) | undefined;
  private readonly decideText: string;
  /** Named prepared statements; false: unnamed ones (set, or switched to for a pooler). */
  private named: boolean;
  private readonly decideName: string;
  private readonly plans = new WeakMap<readonly Policy[], PolicyPlan>();
  /** Single-policy plans by policy, for callers that pass a fresh one-element array each time. */
  private readonly singlePlans = new WeakMap<Policy, PolicyPlan>();
  private readonly sweepTimer: SweepTimer | undefined;
  private migration: AutoMigration | undefined;
  private closed = false;

  constructor(options: PostgresStoreOptions) {
    const resolved = resolveOptions(options);
    this.names = objectNames(resolved.schema, resolved.table);
    this.unlogged = resolved.unlogged;
    this.sweepBatch = resolved.sweepBatch;
    this.onError = resolved.onError;
    this.ownsPool = resolved.pool === undefined;
    this.pool = resolved.pool ?? new pg.Pool({ connectionString: resolved.connectionString, connectionTimeoutMillis: 5_000 });
    // An idle client's error (server restart, network cut) is emitted on the pool and would
    // crash a process with no listener: the store must never crash the app.
    if (this.ownsPool || this.pool.listenerCount('error') === 0) {
      this.pool.on('error', (error) => this.report(error));
    }
    this.decideText =
      `SELECT ${this.names.qualifiedDecide}` +
      '($1::text, $2::text[], $3::smallint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint, $8::smallint, $9::bigint, $10::text)';
    this.named = resolved.preparedStatements;
    this.decideName = statementName(this.decideText);
    if (resolved.autoMigrate) {
      this.migration = new AutoMigration(() => this.migrate(), (error) => this.report(error));
    }
    if (resolved.sweepIntervalMs !== false) {
      // Nothing to sweep (and only a failure to report) before autoMigrate has made the table.
      const sweep = () => (this.migration === undefined || this.migration.succeeded ? this.sweep() : Promise.resolve(0));
      this.sweepTimer = new SweepTimer(resolved.sweepIntervalMs, sweep, (error) => this.report(error));
      this.sweepTimer.start();
    }
  }

  /**
   * Decides every policy of `request` for its key in one SQL statement (the decision
   * function), on the database clock read after the row locks are held, or on
   * `request.nowMs` when given; resolves one PolicyResult per policy, in order. Rejects with
   * StoreError (ERR_SLUICE_STORE, the pg error as `cause`; `configuration` true for a setup
   * mistake such as a missing table or permission) and ERR_SLUICE_STORE_CLOSED after close().
   */
  async consume(request: StoreRequest): Promise<PolicyResult[]> {
    assertOpen(this.closed, 'PostgresStore');
    assertStorableKey(request.key);
    if (this.migration !== undefined) await this.whenMigrated();
    const penalized = penaltyPlan(request.policies, this.names);
    if (penalized !== undefined) {
      const query = penaltyQuery(penalized, request, this.named);
      let figures: number[];
      try {
        figures = (await this.run(query))[0] as number[];
      } catch (error) {
        throw storeFailure(error, this.names);
      }
      return penaltyResults(penalized, figures);
    }
    const plan = this.planFor(request.policies);
    let mode = MODE_CODES[request.mode];
    // Bad input is the caller's bug, never an outage to fail open on (the limiter checks it first).
    if (mode === undefined) throw new InvalidOptionError('mode', request.mode, "'consume', 'peek', 'refund', 'release' or 'renew'");
    const cost = Math.min(request.cost, MAX_COST);
    const upsert = plan.upsert;
    // The upsert records a denial as a negative time, so it takes times from the epoch on.
    if (upsert !== undefined && mode === MODE_CODES.consume && !(request.nowMs! < 0)) {
      // A cost above the limit never passes and charges nothing: a peek reports exactly its figures.
      if (cost > upsert.policy.limit) mode = MODE_CODES.peek;
      else return this.consumeOne(upsert, request.key + upsert.suffix, cost, request.nowMs);
    }
    const query: QueryArrayConfig = {
      name: this.named ? this.decideName : undefined,
      text: this.decideText,
      rowMode: 'array',
      values: [
        request.key,
        plan.ids,
        plan.algorithms,
        plan.limits,
        plan.spans,
        plan.windowMs,
        cost,
        mode,
        request.nowMs === undefined ? null : msToMicros(request.nowMs),
        request.lease ?? null,
      ],
    };
    let figures: number[];
    try {
      figures = (await this.run(query))[0] as number[];
    } catch (error) {
      throw storeFailure(error, this.names);
    }
    return plan.results(figures);
  }

  /** One policy, consume, cost within its limit: the single upsert (sql/upsert.ts). */
  private async consumeOne(upsert: UpsertPlan, key: string, cost: number, nowMs: number | undefined): Promise<PolicyResult[]> {
    const query: QueryArrayConfig = {
      name: this.named ? upsert.name : undefined,
      text: upsert.text,
      rowMode: 'array',
      values: [key, cost, nowMs === undefined ? null : msToMicros(nowMs)],
    };
    let figures: number[];
    try {
      figures = (await this.run(query)) as number[];
    } catch (error) {
      throw storeFailure(error, this.names);
    }
    return [decodeResult(upsert.policy, figures, 0)];
  }

  async reset(key: string, policies: readonly Policy[]): Promise<void> {
    assertOpen(this.closed, 'PostgresStore');
    assertStorableKey(key);
    if (this.migration !== undefined) await this.whenMigrated();
    const keys = policies.map((policy) => key + ':' + policy.id).sort();
    try {
      await this.pool.query({ text: `DELETE FROM ${this.names.qualifiedTable} WHERE key = ANY($1::text[])`, values: [keys] });
    } catch (error) {
      throw storeFailure(error, this.names);
    }
  }

  /** Creates or upgrades the table and functions (idempotent, versioned). Returns the versions applied. */
  async migrate(): Promise<number[]> {
    try {
      return await migrate(this.pool, { names: this.names, unlogged: this.unlogged });
    } catch (error) {
      throw storeFailure(error, this.names);
    }
  }

  /**
   * Deletes expired rows in small batches and returns how many. The store's timer calls
   * this; call it yourself (or `SELECT <table>_sweep(500)` from pg_cron) with the timer off.
   */
  async sweep(options?: SweepOptions): Promise<number> {
    try {
      return await sweepExpired(this.pool, this.names, this.sweepBatch, options);
    } catch (error) {
      throw storeFailure(error, this.names);
    }
  }

  /** Stops the sweep and migration timers and ends the pool if the store made it (never a pool it was handed). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sweepTimer?.stop();
    await this.migration?.stop();
    if (this.ownsPool) await this.pool.end();
  }

  private async whenMigrated(): Promise<void> {
    await this.migration!.ready();
    // Done for good: later decisions skip the check.
    this.migration = undefined;
  }

  /**
   * Runs the decision statement. A server that does not hold the named statement as pg
   * expects (26000: missing, 42P05: already there) sits behind a pooler that moves clients
   * between server connections: switch to unnamed statements and run it again. Safe, as the
   * failed statement never executed (the error comes from its Parse or Bind).
   */
  private async run(query: QueryArrayConfig): Promise<unknown[]> {
    try {
      return (await this.pool.query(query)).rows[0]!;
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      if (query.name === undefined || typeof code !== 'string' || !PREPARED_STATEMENT_MISMATCH.has(code)) throw error;
      if (this.named) {
        this.named = false;
        this.report(
          new StoreError(
            `PostgresStore: the server does not keep prepared statements per connection (${String(code)}: ` +
              `${(error as Error).message}); a pooler in transaction mode? Switched to unnamed statements. ` +
              'Pass preparedStatements: false to start that way.',
            { cause: error, configuration: true },
          ),
        );
      }
      return (await this.pool.query({ ...query, name: undefined })).rows[0]!;
    }
  }

  private planFor(policies: readonly Policy[]): PolicyPlan {
    let plan = this.plans.get(policies);
    if (plan === undefined) {
      const only = policies.length === 1 ? policies[0]! : undefined;
      plan = (only && this.singlePlans.get(only)) ?? buildPlan(policies, this.names);
      if (only) this.singlePlans.set(only, plan);
      this.plans.set(policies, plan);
    }
    return plan;
  }

  private report(error: unknown): void {
    if (this.onError === undefined) return;
    try {
      this.onError(storeFailure(error, this.names));
    } catch (hookError) {
      // A throwing hook must not crash the app (this runs on timers and pool events).
      process.emitWarning(hookError instanceof Error ? hookError : String(hookError));
    }
  }
}
