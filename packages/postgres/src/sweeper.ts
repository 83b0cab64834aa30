import { msToMicros } from '@sluice/core';
import type { Pool } from 'pg';
import type { ObjectNames } from './sql/names.js';

/** Options of `store.sweep(options)`; all optional. */
export interface SweepOptions {
  /** Rows per statement. Default: the store's `sweepBatch`. */
  batch?: number;
  /** Stop after this many statements. Default: until a batch comes back short. */
  maxBatches?: number;
  /** Expire against this time instead of the database clock (tests on a fake clock). */
  nowMs?: number;
}

/** Deletes expired rows in small batches, one short statement each, until none are left. */
export async function sweepExpired(pool: Pool, names: ObjectNames, batch: number, options: SweepOptions = {}): Promise<number> {
  const size = options.batch ?? batch;
  const maxBatches = options.maxBatches ?? Infinity;
  const now = options.nowMs === undefined ? null : msToMicros(options.nowMs);
  const text = `SELECT ${names.qualifiedSweep}($1::int, $2::bigint) AS deleted`;
  let total = 0;
  for (let run = 0; run < maxBatches; run++) {
    const result = await pool.query({ text, values: [size, now] });
    const deleted = Number(result.rows[0]?.deleted ?? 0);
    total += deleted;
    if (deleted < size) break;
  }
  return total;
}

/** At most one unref'd timer per store; a run still going when the next is due is not doubled. */
export class SweepTimer {
  private timer: ReturnType<typeof setInterval> | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly run: () => Promise<unknown>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    if (this.running !== undefined) return;
    this.running = this.run()
      .catch(this.onError)
      .finally(() => {
        this.running = undefined;
      });
  }
}
