import { InvalidOptionError } from '../errors.js';
import type { Store } from '../store/types.js';
import type { BlockCacheHitEvent, BreakerEvent, DecisionEvent, DegradedEvent, LimiterEvents, StoreErrorEvent } from './types.js';

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

/** Receives the events of every observed limiter (a metrics package's counters). */
export interface LimiterEventSink {
  /** Every decision of an observed limiter (the `decision` event). */
  decision(event: DecisionEvent): void;
  /** A decision made without the primary store (the `degraded` event). */
  degraded(event: DegradedEvent): void;
  /** A store failure (the `storeError` event). */
  storeError(event: StoreErrorEvent): void;
  /** Once per transition, however many observed limiters share the store; `store`: see `storeName`. */
  breaker(event: BreakerEvent, store: string): void;
  /** A denial from the block cache, without a store call (the `blockCacheHit` event). */
  blockCacheHit(event: BlockCacheHitEvent): void;
}

/** What `observeLimiters` returns. */
export interface LimiterObservations {
  /**
   * Attaches the sink to `source`'s events (a limiter from `createLimiter`, an Express or Koa
   * middleware, Fastify's `fastify.rateLimit`); `withPolicies` siblings share them. Observing the
   * same events twice counts them once. Returns the function that detaches it (once every
   * `observe` of it is undone). Throws InvalidOptionError (ERR_SLUICE_INVALID_OPTION, option
   * `source`) for anything without Sluice's `events`.
   */
  observe(source: unknown): () => void;
  /** Detaches every source. */
  close(): void;
}

interface Attachment {
  references: number;
  detach(): void;
}

/**
 * The framework-neutral half of a metrics package (@sluice/prometheus, @sluice/opentelemetry):
 * routes the events of every observed limiter to `sink`. One attachment per `LimiterEvents`
 * object, so a limiter, its siblings and the middlewares built on it are counted once.
 * `storeName(store)` names the store in `breaker` calls (e.g. the name given to observeStore);
 * undefined falls back to the event's constructor name. It is asked with the event's store
 * (`event.instance`) at event time.
 */
export function observeLimiters(sink: LimiterEventSink, storeName?: (store: Store | undefined) => string | undefined): LimiterObservations {
  const attached = new Map<LimiterEvents, Attachment>();
  // Core hands one event object to every limiter on the store whose breaker moved: count it once.
  const seenBreakerEvents = new WeakSet<BreakerEvent>();

  const attach = (events: LimiterEvents, source: ObservableLimiter): (() => void) => {
    const onBreaker = (event: BreakerEvent): void => {
      if (seenBreakerEvents.has(event)) return;
      seenBreakerEvents.add(event);
      // The event's own store first; the source's for an event from a copy of core without `instance`.
      sink.breaker(event, storeName?.(event.instance ?? source.store ?? source.limiter?.store) ?? event.store);
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
  };

  return {
    observe(source: unknown): () => void {
      const events = eventsOf(source);
      let attachment = attached.get(events);
      if (attachment === undefined) {
        attachment = { references: 0, detach: attach(events, source as ObservableLimiter) };
        attached.set(events, attachment);
      }
      attachment.references++;
      const current = attachment;
      let done = false;
      return () => {
        if (done) return;
        done = true;
        if (--current.references > 0 || attached.get(events) !== current) return;
        current.detach();
        attached.delete(events);
      };
    },
    close(): void {
      for (const attachment of attached.values()) attachment.detach();
      attached.clear();
    },
  };
}

function eventsOf(source: unknown): LimiterEvents {
  const events = (typeof source === 'object' || typeof source === 'function') && source !== null ? (source as ObservableLimiter).events : undefined;
  if (typeof events !== 'object' || events === null || typeof events.on !== 'function' || typeof events.off !== 'function') {
    throw new InvalidOptionError('source', source, 'a Sluice limiter (createLimiter) or middleware, with `events`');
  }
  return events;
}

/**
 * The policy a decision event is labelled with in metrics: the decision's binding policy, or, for
 * an outcome that was not enforced (shadow mode), the shadow policy that would have denied or held.
 */
export function policyLabel(event: DecisionEvent): string {
  const { decision } = event;
  return event.enforced ? decision.policy : (decision.shadow?.policy ?? decision.policy);
}
