import { InvalidOptionError } from '../errors.js';
import type { WarningHandler } from '../keys/warnings.js';
import { callSafely } from '../safe-call.js';
import type { Store } from '../store/types.js';
import { watchBreaker } from '../resilience/breaker-registry.js';
import type { BreakerEvent, LimiterEventMap, LimiterEventName, LimiterEvents } from './types.js';

type Listener = (event: never) => void;

const EVENT_NAMES: readonly LimiterEventName[] = ['decision', 'degraded', 'storeError', 'breaker', 'blockCacheHit'];

/**
 * A limiter's listeners (shared with its `withPolicies` siblings). The hot path reads one
 * boolean, `listening`; nothing else about events runs, allocates or reads a clock while no
 * listener is attached. Listener lists are copied on change, so emitting never copies.
 */
export class EventHub implements LimiterEvents {
  /** True while any listener is attached: the one test a decision pays. */
  listening = false;
  /** Per event, the listeners (replaced, never mutated, on change). */
  private readonly lists: Record<LimiterEventName, readonly Listener[]> = {
    decision: [],
    degraded: [],
    storeError: [],
    breaker: [],
    blockCacheHit: [],
  };
  /** Per listener, its failure handler: one warning per listener, not one per event it fails on. */
  private readonly failureHandlers = new WeakMap<Listener, (error: unknown) => unknown>();
  /** Unsubscribes from the store's breaker while someone listens to 'breaker'. */
  private unwatch: (() => void) | undefined;

  constructor(
    /** The store whose breaker 'breaker' events follow. */
    readonly store: Store,
    private readonly onWarning: WarningHandler,
  ) {}

  on<E extends LimiterEventName>(event: E, listener: (event: LimiterEventMap[E]) => void): () => void {
    assertEvent(event, listener);
    if (!this.failureHandlers.has(listener as Listener)) this.failureHandlers.set(listener as Listener, this.reportOnce());
    this.lists[event] = [...this.lists[event], listener as Listener];
    this.changed();
    return () => this.off(event, listener);
  }

  off<E extends LimiterEventName>(event: E, listener: (event: LimiterEventMap[E]) => void): void {
    assertEvent(event, listener);
    const list = this.lists[event];
    if (!list.includes(listener as Listener)) return;
    this.lists[event] = list.filter((l) => l !== listener);
    this.changed();
  }

  /** True when `event` has listeners (emitters test it before building the event). */
  has(event: LimiterEventName): boolean {
    return this.lists[event].length > 0;
  }

  /**
   * Calls every listener of `event` with `payload`; a listener that throws or rejects goes to the
   * limiter's `onWarning`, once per listener (its later failures are not reported).
   */
  emit<E extends LimiterEventName>(event: E, payload: LimiterEventMap[E]): void {
    const list = this.lists[event];
    for (let i = 0; i < list.length; i++) {
      const listener = list[i]!;
      callSafely(listener as (event: LimiterEventMap[E]) => void, payload, this.failureHandlers.get(listener)!);
    }
  }

  /** A listener's failure handler: warns on its first failure only (a broken listener fails on every event). */
  private reportOnce(): (error: unknown) => unknown {
    let reported = false;
    return (error) => {
      if (reported) return undefined;
      reported = true;
      return this.onWarning({
        code: 'SLUICE_CALLBACK_THREW',
        message: `Sluice: a limiter event listener threw: ${describe(error)} (reported once per listener; its later failures are not)`,
      });
    };
  }

  private readonly breakerChanged = (event: BreakerEvent): void => this.emit('breaker', event);

  private changed(): void {
    this.listening = EVENT_NAMES.some((name) => this.lists[name].length > 0);
    const wantsBreaker = this.lists.breaker.length > 0;
    if (wantsBreaker && this.unwatch === undefined) this.unwatch = watchBreaker(this.store, this.breakerChanged);
    else if (!wantsBreaker && this.unwatch !== undefined) {
      this.unwatch();
      this.unwatch = undefined;
    }
  }
}

function describe(error: unknown): string {
  try {
    return String(error);
  } catch {
    return 'an unprintable value';
  }
}

function assertEvent(event: unknown, listener: unknown): void {
  if (!(EVENT_NAMES as readonly unknown[]).includes(event)) {
    throw new InvalidOptionError('event', event, `one of ${EVENT_NAMES.map((name) => `'${name}'`).join(', ')}`);
  }
  if (typeof listener !== 'function') throw new InvalidOptionError('listener', listener, 'a function');
}

/** The outcome a decision event reports: what the policies decided, before shadow mode. */
export function outcomeOf(allowed: boolean, delayMs: number): 'allowed' | 'denied' | 'shaped' {
  if (!allowed) return 'denied';
  return delayMs > 0 ? 'shaped' : 'allowed';
}
