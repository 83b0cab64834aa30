import { StoreTimeoutError } from '../errors.js';

interface Pending {
  readonly deadline: number;
  done: boolean;
  readonly reject: (error: unknown) => void;
}

/**
 * Bounds asynchronous store calls by one fixed `timeoutMs` with ONE timer for all of them, instead
 * of a timer, a second promise and a Promise.race per decision (3-5 µs of client CPU each on a
 * remote store). Deadlines of one fixed timeout arrive in order, so the pending calls form a FIFO
 * queue and the timer only ever waits for the oldest one still pending.
 */
export class Deadlines {
  private readonly queue: Pending[] = [];
  private head = 0;
  private pending = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** @param timeoutMs an integer from 1 to 2^31-1 (validated by the limiter's options). */
  constructor(private readonly timeoutMs: number) {}

  /** Settles like `promise`, or rejects with StoreTimeoutError (ERR_SLUICE_STORE_TIMEOUT) after `timeoutMs`. */
  race<T>(promise: PromiseLike<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { deadline: performance.now() + this.timeoutMs, done: false, reject };
      this.queue.push(entry);
      this.pending++;
      if (this.timer === undefined) this.arm(this.timeoutMs);
      promise.then(
        (value) => {
          if (this.settle(entry)) resolve(value);
        },
        (error: unknown) => {
          if (this.settle(entry)) reject(error);
        },
      );
    });
  }

  /**
   * Settles every pending call with `error` and drops the timer: after `limiter.close()` nothing
   * should keep the process alive for up to `timeoutMs` waiting on a store that will not answer.
   */
  cancelAll(error: unknown): void {
    const queue = this.queue;
    for (let i = this.head; i < queue.length; i++) {
      const entry = queue[i]!;
      if (entry.done) continue;
      entry.done = true;
      entry.reject(error);
    }
    this.pending = 0;
    this.clear();
  }

  /** Marks `entry` done; false when its deadline already passed (the timeout won). */
  private settle(entry: Pending): boolean {
    if (entry.done) return false;
    entry.done = true;
    if (--this.pending === 0) this.clear();
    return true;
  }

  private arm(ms: number): void {
    this.timer = setTimeout(this.expire, Math.max(1, Math.ceil(ms)));
  }

  private clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.head = 0;
  }

  private readonly expire = (): void => {
    this.timer = undefined;
    const now = performance.now();
    const queue = this.queue;
    while (this.head < queue.length) {
      const entry = queue[this.head]!;
      if (!entry.done) {
        if (entry.deadline > now) break;
        entry.done = true;
        this.pending--;
        entry.reject(new StoreTimeoutError(this.timeoutMs));
      }
      this.head++;
    }
    if (this.pending === 0) {
      this.clear();
      return;
    }
    // Drop the settled prefix now and then, so a long busy stretch does not grow the array.
    if (this.head > 1024 && this.head * 2 > queue.length) {
      queue.splice(0, this.head);
      this.head = 0;
    }
    const next = queue[this.head];
    if (next !== undefined) this.arm(next.deadline - now);
  };
}
