import { MAX_TIMER_MS } from '@sluice/core';
import type { RateLimitInfo } from '../headers/parse-rate-limit.js';
import { PolicyPace } from './policy-pace.js';

/**
 * Made when a request's turn is further away than it may wait. `waitMs`: the whole wait its turn
 * needs, from when it was queued (ms); `waitedMs`: how much of that had passed; `ahead`:
 * requests queued ahead of it.
 */
export type WaitTooLong = (waitMs: number, waitedMs: number, ahead: number) => Error;

interface Waiter {
  readonly enqueuedAtMs: number;
  /** Its place in the queue has been checked against `maxWaitMs` (see `refuseDoomed`). */
  checked: boolean;
  readonly maxWaitMs: number;
  readonly signal: AbortSignal | undefined;
  readonly tooLong: WaitTooLong;
  readonly resolve: (queued: boolean) => void;
  readonly reject: (error: unknown) => void;
  onAbort: (() => void) | undefined;
}

/**
 * The pacing state of one partition (an origin by default), shared by every concurrent caller.
 * Until the first answer, one request goes and the rest wait for what it reports. Callers
 * queue in arrival order; one timer (never a poll) wakes the queue when the next may go.
 */
export class PartitionPacer {
  private readonly policies = new Map<string, PolicyPace>();
  private readonly queue: Waiter[] = [];
  private inFlight = 0;
  /** Answers that were not 429: what the server admitted, as far as answers tell. */
  private admitted = 0;
  private answered = false;
  private holdUntilMs = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAtMs = 0;
  /** Waiters queued while the pace was unknown, not yet checked against their `maxWaitMs`. */
  private unchecked = 0;

  /**
   * Resolves when the request may be sent (then call `record` with its answer, or `abandon`):
   * with true if it was queued, false if it went at once.
   * Rejects with `tooLong(...)` when its turn is more than `maxWaitMs` after it was queued:
   * decided when it is queued (its place in the queue at the pace the server's reports give,
   * after any hold), or, while nothing is known yet, as soon as the first answer tells; and
   * again when it reaches the head, should the server have slowed down since. Rejects with
   * `signal.reason` when aborted while queued.
   */
  acquire(maxWaitMs: number, signal: AbortSignal | undefined, tooLong: WaitTooLong): Promise<boolean> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const nowMs = Date.now();
    if (this.queue.length === 0 && this.nextAtMs(nowMs) <= nowMs) {
      this.release(nowMs);
      return Promise.resolve(false);
    }
    return new Promise<boolean>((resolve, reject) => {
      const waiter: Waiter = { enqueuedAtMs: nowMs, checked: false, maxWaitMs, signal, tooLong, resolve, reject, onAbort: undefined };
      if (signal !== undefined) {
        waiter.onAbort = () => {
          const index = this.queue.indexOf(waiter);
          if (index >= 0) this.queue.splice(index, 1);
          if (!waiter.checked) this.unchecked--;
          reject(signal.reason);
          this.pump();
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
      this.unchecked++;
      this.pump();
    });
  }

  /** What the answer to a request said. `denied`: a 429. `retryAfterMs` only for a 429 or 503. */
  record(info: RateLimitInfo | undefined, denied: boolean, retryAfterMs: number | undefined): void {
    const nowMs = Date.now();
    this.inFlight--;
    this.answered = true;
    if (!denied) this.admitted++;
    // A 503's Retry-After (the server is overloaded), or a 429's when no policy says more, holds
    // the whole partition; a 429 with RateLimit fields holds the exhausted policy (PolicyPace).
    if (retryAfterMs !== undefined && (info === undefined || !denied)) this.holdUntilMs = Math.max(this.holdUntilMs, nowMs + retryAfterMs);
    if (info !== undefined) {
      // Concurrent requests reach the server in no set order, so every request still in flight
      // is taken as not yet counted in this `r`: the level errs low, never into a 429.
      for (const policy of info.policies) {
        const id = policy.name + '\0' + (policy.partitionKey ?? '');
        let pace = this.policies.get(id);
        if (pace === undefined) this.policies.set(id, (pace = new PolicyPace()));
        pace.resync(policy, nowMs, this.inFlight, this.admitted, denied, retryAfterMs);
      }
    }
    // A 429 or a Retry-After slows the pace: every place in the queue is estimated again.
    if (denied || retryAfterMs !== undefined) this.recheckAll();
    this.pump();
  }

  /** Nothing queued, nothing in flight, no hold ahead: forgetting this partition loses only old reports. */
  isIdle(nowMs: number): boolean {
    return this.queue.length === 0 && this.inFlight === 0 && this.holdUntilMs <= nowMs && this.timer === undefined;
  }

  /** A request got no answer (network error, abort): free its place. */
  abandon(): void {
    this.inFlight--;
    this.pump();
  }

  private release(nowMs: number): void {
    this.inFlight++;
    for (const pace of this.policies.values()) pace.take(nowMs);
  }

  /** When the next request may go; NaN while only an answer can tell. */
  private nextAtMs(nowMs: number): number {
    let at = Math.max(nowMs, this.holdUntilMs);
    if (!this.answered) return this.inFlight === 0 ? at : Number.NaN;
    for (const pace of this.policies.values()) {
      const next = pace.nextAtMs(at);
      if (Number.isNaN(next)) return this.inFlight === 0 ? at : Number.NaN;
      if (next > at) at = next;
    }
    return at;
  }

  private pump(): void {
    if (this.queue.length === 0 && this.timer !== undefined) {
      // Nobody left to wake (the last waiter aborted): a pending timer would only keep the process alive.
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    while (this.queue.length > 0) {
      const nowMs = Date.now();
      const head = this.queue[0]!;
      const at = this.nextAtMs(nowMs);
      if (Number.isNaN(at)) return;
      if (at <= nowMs) {
        this.take(0);
        this.release(nowMs);
        head.resolve(true);
        continue;
      }
      if (at - head.enqueuedAtMs > head.maxWaitMs) {
        this.take(0);
        head.reject(head.tooLong(at - head.enqueuedAtMs, nowMs - head.enqueuedAtMs, 0));
        continue;
      }
      if (this.unchecked > 0) this.refuseDoomed(nowMs);
      this.wakeAt(at, nowMs);
      return;
    }
  }

  /**
   * Fails fast every unchecked waiter whose turn, estimated from its place in the queue, falls
   * beyond its `maxWaitMs`, rather than letting it wait most of that time and fail anyway. The
   * estimate errs early (it assumes no 429 and no slower report to come), so it never refuses a
   * request that would have gone in time; the head check in `pump` catches the rest.
   */
  private refuseDoomed(nowMs: number): void {
    // The unchecked waiters are always the queue's tail: waiters are checked front to back,
    // and a recheck marks the whole queue.
    for (let i = this.queue.length - this.unchecked; i < this.queue.length; ) {
      const waiter = this.queue[i]!;
      // Everyone ahead of it stays queued (or goes): its place is its index.
      const at = this.estimateAtMs(nowMs, i);
      if (Number.isNaN(at)) return;
      waiter.checked = true;
      this.unchecked--;
      if (at - waiter.enqueuedAtMs > waiter.maxWaitMs) {
        this.queue.splice(i, 1);
        if (waiter.onAbort !== undefined) waiter.signal!.removeEventListener('abort', waiter.onAbort);
        waiter.reject(waiter.tooLong(at - waiter.enqueuedAtMs, nowMs - waiter.enqueuedAtMs, i));
        continue;
      }
      i++;
    }
  }

  private recheckAll(): void {
    for (const waiter of this.queue) waiter.checked = false;
    this.unchecked = this.queue.length;
  }

  /** When the request with `ahead` requests queued before it may go, at the earliest; NaN when unknown. */
  private estimateAtMs(nowMs: number, ahead: number): number {
    if (!this.answered) return Number.NaN;
    let at = Math.max(nowMs, this.holdUntilMs);
    for (const pace of this.policies.values()) {
      const next = pace.estimateAtMs(at, ahead);
      if (Number.isNaN(next)) return Number.NaN;
      if (next > at) at = next;
    }
    return at;
  }

  /** Removes the waiter at `index` from the queue, to be resolved or rejected by the caller. */
  private take(index: number): void {
    const [waiter] = this.queue.splice(index, 1);
    if (waiter!.onAbort !== undefined) waiter!.signal!.removeEventListener('abort', waiter!.onAbort);
    if (!waiter!.checked) {
      waiter!.checked = true;
      this.unchecked--;
    }
  }

  private wakeAt(atMs: number, nowMs: number): void {
    if (this.timer !== undefined) {
      if (this.timerAtMs <= atMs) return;
      clearTimeout(this.timer);
    }
    this.timerAtMs = atMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, Math.min(Math.ceil(atMs - nowMs), MAX_TIMER_MS));
  }
}

/** Partitions kept before idle ones are forgotten (a `partition` callback may make many). */
const MAX_PARTITIONS = 1024;

/** Pacing state per partition key. */
export class Pacer {
  private readonly partitions = new Map<string, PartitionPacer>();

  partition(key: string): PartitionPacer {
    let partition = this.partitions.get(key);
    if (partition === undefined) {
      if (this.partitions.size >= MAX_PARTITIONS) this.forgetIdle();
      this.partitions.set(key, (partition = new PartitionPacer()));
    }
    return partition;
  }

  private forgetIdle(): void {
    const nowMs = Date.now();
    for (const [key, partition] of this.partitions) {
      if (partition.isIdle(nowMs)) this.partitions.delete(key);
    }
  }
}
