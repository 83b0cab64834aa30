import { assertKnownKeys, assertPlainObject, InvalidOptionError } from '@sluice/core';

/** Options of `new RetryBudget(options)`; bad values throw InvalidOptionError naming `retryBudget.<option>`. */
export interface RetryBudgetOptions {
  /** Retries allowed as a fraction of the requests in the window (0..1). Default 0.2. */
  ratio?: number;
  /** Retries allowed on top of the ratio, per second of window (so a quiet client can still retry). Default 1. */
  minRetriesPerSecond?: number;
  /** The window requests and retries are counted over, ms. Default 10_000. */
  windowMs?: number;
}

const OPTION_KEYS = new Set(['ratio', 'minRetriesPerSecond', 'windowMs']);
const SLOTS = 10;

/**
 * Caps retries at a fraction of recent requests, as Finagle's RetryBudget and gRPC's retry
 * throttling do: a fleet of clients cannot turn a server's bad minute into a retry storm.
 * Counts live in 10 slots over `windowMs` (no timers). Share one instance between clients
 * (`withRateLimit(fetch, { retryBudget })`) to budget them together.
 */
export class RetryBudget {
  /** Retries allowed as a fraction of the requests in the window (0..1). */
  readonly ratio: number;
  /** Retries allowed on top of the ratio, per second of window. */
  readonly minRetriesPerSecond: number;
  /** The counting window, ms. */
  readonly windowMs: number;
  private readonly slotMs: number;
  private readonly requests = new Array<number>(SLOTS).fill(0);
  private readonly retries = new Array<number>(SLOTS).fill(0);
  private slotOf = new Array<number>(SLOTS).fill(-1);

  constructor(options: RetryBudgetOptions = {}) {
    const raw: unknown = options;
    assertPlainObject(raw, 'retryBudget');
    assertKnownKeys(raw, OPTION_KEYS, 'retryBudget');
    this.ratio = fraction(options.ratio ?? 0.2, 'retryBudget.ratio');
    this.minRetriesPerSecond = nonNegative(options.minRetriesPerSecond ?? 1, 'retryBudget.minRetriesPerSecond');
    this.windowMs = options.windowMs ?? 10_000;
    if (!Number.isInteger(this.windowMs) || this.windowMs < SLOTS) {
      throw new InvalidOptionError('retryBudget.windowMs', options.windowMs, `an integer of at least ${SLOTS} (ms)`);
    }
    this.slotMs = this.windowMs / SLOTS;
  }

  /** Counts one request (not a retry). */
  deposit(nowMs: number = Date.now()): void {
    this.requests[this.slot(nowMs)]! += 1;
  }

  /** Takes one retry from the budget: false (and nothing taken) when it is spent. */
  tryWithdraw(nowMs: number = Date.now()): boolean {
    const index = this.slot(nowMs);
    let requests = 0;
    let retries = 0;
    for (let i = 0; i < SLOTS; i++) {
      requests += this.requests[i]!;
      retries += this.retries[i]!;
    }
    const allowed = this.ratio * requests + (this.minRetriesPerSecond * this.windowMs) / 1000;
    if (retries + 1 > allowed) return false;
    this.retries[index]! += 1;
    return true;
  }

  /** The slot for `nowMs`, clearing slots that fell out of the window. */
  private slot(nowMs: number): number {
    const absolute = Math.floor(nowMs / this.slotMs);
    const index = ((absolute % SLOTS) + SLOTS) % SLOTS;
    for (let i = 0; i < SLOTS; i++) {
      if (this.slotOf[i]! <= absolute - SLOTS || this.slotOf[i]! > absolute) {
        this.requests[i] = 0;
        this.retries[i] = 0;
        this.slotOf[i] = -1;
      }
    }
    if (this.slotOf[index] !== absolute) {
      this.requests[index] = 0;
      this.retries[index] = 0;
      this.slotOf[index] = absolute;
    }
    return index;
  }
}

function fraction(value: unknown, option: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new InvalidOptionError(option, value, 'a number from 0 to 1');
  return value;
}

function nonNegative(value: unknown, option: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new InvalidOptionError(option, value, 'a finite number >= 0');
  return value;
}
