import type { RouteMatching } from './route-path.js';

/**
 * How core reads what it needs from a framework's request. Each adapter supplies one
 * (Express `req`, Koa `ctx`, Fastify `request`), so key functions are written once.
 */
export interface RequestAccess<Req> {
  /** The client IP as the framework resolved it (its trust-proxy setting applied); '' or undefined when unknown. */
  ip(req: Req): string | undefined;
  /** The TCP peer's address, to notice an X-Forwarded-For the framework did not trust. */
  socketIp(req: Req): string | undefined;
  /** A request header by lower-case name. */
  header(req: Req, name: string): string | string[] | undefined;
  /** The request method, upper case. */
  method(req: Req): string;
  /**
   * What `route: true` keys count under: the matched route pattern when the framework has matched
   * one by the time the key runs (e.g. `/users/:id`), else the request path put through
   * `normalizeRoutePath` with the router's own settings, each overridden by `matching` where given.
   */
  route(req: Req, matching?: RouteMatching): string;
}

/** A key function: the client key a request is counted under. */
export type KeyFunction<Req> = (req: Req) => string | Promise<string>;
