import type { RequestAccess } from '@sluice/core';
import type { Context } from 'koa';

/** How core reads a Koa context. `ctx.ip` honours `app.proxy` (and `app.maxIpsCount`). */
export const koaAccess: RequestAccess<Context> = {
  ip: (ctx) => ctx.ip,
  socketIp: (ctx) => ctx.req.socket.remoteAddress,
  header: (ctx, name) => ctx.req.headers[name],
  method: (ctx) => ctx.method,
  // @koa/router records the matched pattern; without a router, the path itself.
  route: (ctx) => {
    const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
    return typeof matched === 'string' ? matched : ctx.path;
  },
};
