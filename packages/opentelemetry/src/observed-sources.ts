import {
  InvalidOptionError,
  type BlockCacheHitEvent,
  type BreakerEvent,
  type DecisionEvent,
  type DegradedEvent,
  type LimiterEvents,
  type Store,
  type StoreErrorEvent,
} from '@sluice/core';
import type { ObservedStores } from './observed-stores.js';

/** What a limiter or an adapter's middleware offers to be observed. */
export interface ObservableLimiter {
  /** The limiter events the metrics listen to (`limiter.events`, `middleware.events`). */
  readonly events: LimiterEvents;
  /** A limiter's store. */
  readonly store?: Store;
  /** A middleware's limiter. */
  readonly limiter?: {
    /** That limiter's store. */
    readonly store: Store } | undefined;
}

/** Receives the events of every observed source. */
export interface EventSink {
  decision(event: DecisionEvent): void;
  degraded(event: DegradedEvent): void;
  storeError(event: StoreErrorEvent): void;
  /** `store`: the name given to observeStore for that store, else the event's constructor name. */
  breaker(event: BreakerEvent, store: string): void;
  blockCacheHit(event: BlockCacheHitEvent): void;
}

interface Attachment {
  references: number;
  detach(): void;
}

/**
 * Attaches a sink to limiters' events. One attachment per LimiterEvents object: a limiter, its
 * withPolicies siblings and the middlewares built on it share one, and observing it again only
 * adds a reference, so nothing is counted twice.
 */
export class ObservedSources {
  private readonly attached = new Map<LimiterEvents, Attachment>();
  /**
   * Breaker events already counted. Core hands the same event object to every limiter on the
   * store whose breaker moved, so two observed limiters on one store count a transition once.
   */
  private readonly seenBreakerEvents = new WeakSet<BreakerEvent>();

  constructor(
    private readonly sink: EventSink,
    private readonly stores: ObservedStores,
  ) {}

  /** Throws InvalidOptionError (option `source`) for anything without Sluice's `events`. */
  observe(source: unknown): () => void {
    const events = eventsOf(source);
    let attachment = this.attached.get(events);
    if (attachment === undefined) {
      attachment = { references: 0, detach: this.attach(events, source as ObservableLimiter) };
      this.attached.set(events, attachment);
    }
    attachment.references++;
    const current = attachment;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--current.references > 0 || this.attached.get(events) !== current) return;
      current.detach();
      this.attached.delete(events);
    };
  }

  /** Stops observing every source. */
  close(): void {
    for (const attachment of this.attached.values()) attachment.detach();
    this.attached.clear();
  }

  private attach(events: LimiterEvents, source: ObservableLimiter): () => void {
    const { sink } = this;
    const onBreaker = (event: BreakerEvent): void => {
      if (this.seenBreakerEvents.has(event)) return;
      this.seenBreakerEvents.add(event);
      // Read at event time: a middleware whose policies depend on the request builds its limiter lazily.
      sink.breaker(event, this.stores.nameOf(storeOf(source)) ?? event.store);
    };
    const detachers = [
      events.on('decision', (event) => sink.decision(event)),
      events.on('degraded', (event) => sink.degraded(event)),
      events.on('storeError', (event) => sink.storeError(event)),
      events.on('breaker', onBreaker),
      events.on('blockCacheHit', (event) => sink.blockCacheHit(event)),
    ];
    return () => {
      for (const detach of detachers) detach();
    };
  }
}

function eventsOf(source: unknown): LimiterEvents {
  const events = (typeof source === 'object' || typeof source === 'function') && source !== null ? (source as ObservableLimiter).events : undefined;
  if (typeof events !== 'object' || events === null || typeof events.on !== 'function' || typeof events.off !== 'function') {
    throw new InvalidOptionError('source', source, 'a Sluice limiter (createLimiter) or middleware, with `events`');
  }
  return events;
}

function storeOf(source: ObservableLimiter): Store | undefined {
  return source.store ?? source.limiter?.store;
}
