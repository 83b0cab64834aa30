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
  method(req: Req): string;
  /** The matched route pattern when the framework knows it (e.g. `/users/:id`), else the path. */
  route(req: Req): string;
}

/** A key function: the client key a request is counted under. */
export type KeyFunction<Req> = (req: Req) => string | Promise<string>;
