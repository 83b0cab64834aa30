import type { ServerResponse } from 'node:http';
import { InvalidOptionError } from '../errors.js';
import { parseDuration, type Duration } from '../time/duration.js';
import { assertKnownKeys, assertPlainObject } from '../validate.js';
import { watchResponse } from '../http/handler-done.js';
import { type AdaptiveLimiter, createAdaptiveLimiter, isAdaptiveLimiter } from './adaptive-limiter.js';
import { HeldSlot } from './held-slot.js';
import { ADAPTIVE_LIMITER_OPTION_KEYS, type AdaptiveLimiterOptions } from './options.js';
import { type Priority, assertPriority } from './priority.js';
import { type ShedResponse, shedResponses } from './response.js';

/**
 * Options of the `loadShedding` middleware in every adapter. `Req` is what the callbacks get:
 * Express's `req`, Koa's `ctx`, Fastify's `request`.
 */
export interface LoadSheddingOptions<Req> extends AdaptiveLimiterOptions {
  /** A limiter made by `createAdaptiveLimiter`, e.g. to share one across routes or read its stats. Excludes the limiter options. */
  limiter?: AdaptiveLimiter;
  /** The request's priority (synchronous). Default: every request is 'normal'. A throw reaches the framework's error handling. */
  priority?: (req: Req) => Priority;
  /** Retry-After of a shed request: ms or a string such as '2s'. Default 1 s (sent as whole seconds, at least 1). */
  retryAfter?: Duration;
  /**
   * Which finished responses count as dropped (congestion) rather than plain latency samples.
   * Default: status 503 or 504 (an overloaded dependency). A 500 from a bug says nothing about capacity.
   */
  dropped?: (statusCode: number) => boolean;
}

/** Every LoadSheddingOptions name: the adaptive limiter's plus limiter, priority, retryAfter, dropped. */
export const LOAD_SHEDDING_OPTION_KEYS = [...ADAPTIVE_LIMITER_OPTION_KEYS, 'limiter', 'priority', 'retryAfter', 'dropped'] as const;

function optionalFunction<F>(value: F | undefined, option: string, expected: string): F | undefined {
  const raw: unknown = value;
  if (raw !== undefined && typeof raw !== 'function') throw new InvalidOptionError(option, raw, expected);
  return value;
}

const normal = (): Priority => 'normal';
const overloadStatus = (status: number): boolean => status === 503 || status === 504;

/**
 * The framework-neutral half of the `loadShedding` middleware: validates options once, decides
 * per request, and holds each admitted request's slot until its handler is done (HeldSlot).
 */
export class LoadShedder<Req> {
  /** The adaptive limiter it admits by (given as `limiter`, or made from the options). */
  readonly limiter: AdaptiveLimiter;
  private readonly priorityOf: (req: Req) => Priority;
  private readonly droppedStatus: (statusCode: number) => boolean;
  private readonly responses: Record<Priority, ShedResponse>;

  constructor(options: LoadSheddingOptions<Req> = {}) {
    const raw: unknown = options;
    assertPlainObject(raw, 'loadShedding options');
    assertKnownKeys(raw, new Set<string>(LOAD_SHEDDING_OPTION_KEYS), '');
    const { limiter, priority, retryAfter, dropped, ...limiterOptions } = options;
    if (limiter !== undefined) {
      if (!isAdaptiveLimiter(limiter)) throw new InvalidOptionError('limiter', limiter, 'a limiter made by createAdaptiveLimiter');
      const inline = Object.keys(limiterOptions);
      if (inline.length > 0) {
        throw new InvalidOptionError(inline[0] as string, (limiterOptions as Record<string, unknown>)[inline[0] as string], 'no limiter option beside `limiter` (set it on the limiter)');
      }
      this.limiter = limiter;
    } else {
      this.limiter = createAdaptiveLimiter(limiterOptions);
    }
    this.priorityOf = optionalFunction(priority, 'priority', 'a function (req) => priority') ?? normal;
    this.droppedStatus = optionalFunction(dropped, 'dropped', 'a function (statusCode) => boolean') ?? overloadStatus;
    this.responses = shedResponses(retryAfter === undefined ? 1000 : parseDuration(retryAfter, 'retryAfter'));
  }

  /** The request's priority; throws what the callback threw, or InvalidOptionError for a bad value. */
  priority(req: Req): Priority {
    return assertPriority(this.priorityOf(req), 'priority(req)');
  }

  /**
   * Admits the request, returning its slot (hand it to the framework's `proceedAndWatch`, which
   * releases it when the handler is done), or undefined: shed, send `shedResponse(priority)`.
   * `res` is read for the status when the handler is done (a drop per `dropped`).
   */
  acquire(priority: Priority, res: ServerResponse): HeldSlot | undefined {
    const permit = this.limiter.tryAcquire(priority);
    return permit === undefined ? undefined : new HeldSlot(permit, res, this.limiter, this.droppedStatus);
  }

  /** The 503 a shed request of this priority gets. */
  shedResponse(priority: Priority): ShedResponse {
    return this.responses[priority];
  }

  /**
   * Admits the request or returns the response to send. An admitted request's slot is held until
   * its handler ended `res` (`ServerResponse.end`, as Express and Fastify do, also after the
   * client left): then a latency sample from admission, or a drop per `dropped`. A handler still
   * at work `abandonedGraceMs` after its client left gives the slot up as a drop.
   */
  admit(priority: Priority, res: ServerResponse): ShedResponse | undefined {
    const slot = this.acquire(priority, res);
    if (slot === undefined) return this.responses[priority];
    watchResponse(res, slot);
    return undefined;
  }
}
