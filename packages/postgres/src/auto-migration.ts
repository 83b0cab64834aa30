import { StoreError } from '@sluice/core';

/** First retry delay, doubled after each failure up to MAX_RETRY_MS. */
export const FIRST_RETRY_MS = 250;
/** Longest wait between attempts: once the database is up, decisions resume within this. */
export const MAX_RETRY_MS = 5_000;

/**
 * `autoMigrate`: runs the migration in the background until it succeeds, one attempt at a
 * time, retrying after a failure with backoff on one unref'd timer (never holding the
 * process open). Decisions ask `ready()`: it waits for the first attempt only; after a failed
 * attempt it rejects at once with a StoreError, so the limiter's failure policy decides
 * until a retry succeeds, with no restart.
 */
export class AutoMigration {
  private done = false;
  private stopped = false;
  private attempt: Promise<void> | undefined;
  private lastFailure: StoreError | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delayMs = FIRST_RETRY_MS;

  constructor(
    private readonly migrate: () => Promise<unknown>,
    /** Told about a failed attempt when its message differs from the previous one (not every retry). */
    private readonly onFailure: (error: StoreError) => void,
  ) {
    this.run();
  }

  get succeeded(): boolean {
    return this.done;
  }

  /** Resolves once the schema is in place; rejects (StoreError) while attempts keep failing. */
  async ready(): Promise<void> {
    if (this.done) return;
    if (this.lastFailure === undefined && this.attempt !== undefined) await this.attempt;
    if (this.done) return;
    const failure = this.lastFailure;
    throw new StoreError(
      `PostgresStore: not migrated yet (autoMigrate retries in the background): ${failure?.message ?? 'stopped'}`,
      { cause: failure, configuration: failure?.configuration === true },
    );
  }

  /** Cancels the next retry and waits for an attempt in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.attempt;
  }

  private run(): void {
    this.timer = undefined;
    if (this.stopped) return;
    this.attempt = this.migrate().then(
      () => {
        this.done = true;
        this.lastFailure = undefined;
      },
      (error: unknown) => this.failed(error as StoreError),
    );
  }

  private failed(error: StoreError): void {
    if (error.message !== this.lastFailure?.message) this.onFailure(error);
    this.lastFailure = error;
    if (this.stopped) return;
    this.timer = setTimeout(() => this.run(), this.delayMs);
    this.timer.unref();
    this.delayMs = Math.min(this.delayMs * 2, MAX_RETRY_MS);
  }
}
