import {
  ALGORITHMS,
  ErrorCodes,
  msToMicros,
  StoreError,
  toStoreError,
  type Policy,
  type PolicyResult,
  type Store,
  type StoreRequest,
} from '@sluice/core';
import pg, { type Pool, type QueryArrayConfig } from 'pg';
import { storeFailure } from './errors.js';
import { migrate } from './migrate.js';
import { resolveOptions, type PostgresStoreOptions } from './options.js';
import { buildPlan, type PolicyPlan } from './policy-plan.js';
import { MODE_CODES } from './sql/codes.js';
import { objectNames, type ObjectNames } from './sql/names.js';
import { statementName } from './statement-name.js';
import { sweepExpired, SweepTimer, type SweepOptions } from './sweeper.js';

/** Costs beyond every limit behave alike; clamping keeps them inside bigint arithmetic. */
const MAX_COST = Number.MAX_SAFE_INTEGER;

/**
 * Rate-limit state in PostgreSQL. Every `consume` is one SQL statement (a call of the
 * decision function `migrate()` installs), sent as a named prepared statement: the rows are
 * locked, every policy evaluated and the request committed all-or-nothing inside it, on the
 * database clock unless `nowMs` is given.
 */
export class PostgresStore implements Store {
  readonly algorithms = ALGORITHMS;
  readonly pool: Pool;
  readonly names: ObjectNames;
  private readonly ownsPool: boolean;
  private readonly unlogged: boolean;
  private readonly sweepBatch: number;
  private readonly onError: ((error: StoreError) => void) | undefined;
  private readonly decideQuery: { name: string; text: string };
  private readonly plans = new WeakMap<readonly Policy[], PolicyPlan>();
  private readonly sweepTimer: SweepTimer | undefined;
  private migrating: Promise<unknown> | undefined;
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
    const text =
      `SELECT ${this.names.qualifiedDecide}` +
      '($1::text, $2::text[], $3::smallint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint, $8::smallint, $9::bigint)';
    this.decideQuery = { name: statementName(text), text };
    if (resolved.autoMigrate) {
      this.migrating = this.migrate().then(
        () => (this.migrating = undefined),
        (error: unknown) => this.report(error),
      );
    }
    if (resolved.sweepIntervalMs !== false) {
      this.sweepTimer = new SweepTimer(resolved.sweepIntervalMs, () => this.sweep(), (error) => this.report(error));
      this.sweepTimer.start();
    }
  }

  async consume(request: StoreRequest): Promise<PolicyResult[]> {
    if (this.closed) throw new StoreError('PostgresStore is closed.', { code: ErrorCodes.STORE_CLOSED });
    if (this.migrating !== undefined) await this.migrating;
    const plan = this.planFor(request.policies);
    const mode = MODE_CODES[request.mode];
    if (mode === undefined) throw new StoreError(`PostgresStore: unknown mode ${JSON.stringify(request.mode)}.`);
    const query: QueryArrayConfig = {
      name: this.decideQuery.name,
      text: this.decideQuery.text,
      rowMode: 'array',
      values: [
        request.key,
        plan.ids,
        plan.algorithms,
        plan.limits,
        plan.spans,
        plan.windowMs,
        Math.min(request.cost, MAX_COST),
        mode,
        request.nowMs === undefined ? null : msToMicros(request.nowMs),
      ],
    };
    let figures: number[];
    try {
      const result = await this.pool.query(query);
      figures = result.rows[0]![0] as number[];
    } catch (error) {
      throw storeFailure(error, this.names);
    }
    return plan.results(figures);
  }

  async reset(key: string, policies: readonly Policy[]): Promise<void> {
    if (this.closed) throw new StoreError('PostgresStore is closed.', { code: ErrorCodes.STORE_CLOSED });
    if (this.migrating !== undefined) await this.migrating;
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
      throw toStoreError(error);
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

  /** Stops the sweep timer and ends the pool if the store made it (never a pool it was handed). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.sweepTimer?.stop();
    await this.migrating;
    if (this.ownsPool) await this.pool.end();
  }

  private planFor(policies: readonly Policy[]): PolicyPlan {
    let plan = this.plans.get(policies);
    if (plan === undefined) {
      plan = buildPlan(policies);
      this.plans.set(policies, plan);
    }
    return plan;
  }

  private report(error: unknown): void {
    this.onError?.(storeFailure(error, this.names));
  }
}
