import type { IncomingHttpHeaders } from 'node:http';
import type { RateLimitOptions } from '@sluice/core';

/** What the table's functions read: every framework's request (Koa: context) has `headers`. */
export interface RequestLike {
  headers: IncomingHttpHeaders;
}

/**
 * Adapter options written once for all three frameworks. `onLimited` asks each harness for its
 * own: 'custom' answers `{ custom: true, policy }`; 'throw' throws and 'reject' rejects with
 * Error('onLimited failed').
 */
export type SharedOptions = Omit<RateLimitOptions<RequestLike, never>, 'onLimited'> & { onLimited?: OnLimitedSpec };
export type OnLimitedSpec = 'custom' | 'throw' | 'reject';

/** What the 'throw' and 'reject' onLimited specs fail with. */
export const ON_LIMITED_FAILURE = 'onLimited failed';

export interface RouteSpec {
  /** GET route; the handler answers `{ rateLimit, rateLimits }` with the status from `?status=`. */
  path: string;
  /** Options for this route alone (replacing the global ones), or false for no limit. */
  rateLimit?: SharedOptions | false;
  /**
   * A second limiter on this route, after the global one (Express/Koa: route middleware;
   * Fastify: `preHandler: app.rateLimit(options)`).
   */
  stacked?: SharedOptions;
  /** The probe before the limiter waits until the client has hung up (a request without a client IP). */
  waitForClientToLeave?: boolean;
}

export interface AppSpec {
  /** Trust the loopback proxy, so X-Forwarded-For names the client. Default false. */
  trustProxy?: boolean;
  /** Limits every route that has no `rateLimit` of its own. */
  global?: SharedOptions;
  /** Default: one route, `/`. */
  routes?: RouteSpec[];
}

export interface TestRequest {
  path: string;
  headers?: Record<string, string>;
  /**
   * The client address the framework should resolve. Fastify: the injected socket address.
   * Express and Koa: an X-Forwarded-For from the trusted loopback proxy (needs `trustProxy`).
   */
  clientIp?: string;
}

export interface TestResponse {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string | undefined>;
  body: any;
}

export interface TestApp {
  request(request: TestRequest): Promise<TestResponse>;
  /** Starts a real server on 127.0.0.1 (for clients that hang up); resolves to its base URL. */
  listen(): Promise<string>;
  /** `arrived <id>`, `closed <id>`, `handled <id>` (id from x-request-id) and `error <code>`. */
  events: EventLog;
  close(): Promise<void>;
}

export interface AdapterHarness {
  name: 'express' | 'koa' | 'fastify';
  /** Builds the app; rejects with the adapter's validation error for bad options. */
  build(spec: AppSpec): Promise<TestApp>;
}

/** An ordered log of what happened server-side, with a way to wait for an entry. */
export class EventLog {
  readonly entries: string[] = [];
  private readonly waiting = new Map<string, Array<() => void>>();

  add(event: string): void {
    this.entries.push(event);
    const resolvers = this.waiting.get(event);
    if (resolvers === undefined) return;
    this.waiting.delete(event);
    for (const resolve of resolvers) resolve();
  }

  waitFor(event: string): Promise<void> {
    if (this.entries.includes(event)) return Promise.resolve();
    return new Promise((resolve) => {
      const list = this.waiting.get(event) ?? [];
      list.push(resolve);
      this.waiting.set(event, list);
    });
  }
}

/** Flattens a header value to one string (multi-valued headers joined as HTTP would). */
export function headerText(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** Parses JSON bodies (application/json and application/problem+json) and leaves others as text. */
export function parseBody(contentType: string | undefined, text: string): unknown {
  return contentType !== undefined && /json/.test(contentType) && text.length > 0 ? JSON.parse(text) : text;
}
