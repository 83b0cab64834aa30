import { normalizeRoutePath, type RequestAccess } from '@sluice/core';
import type { Context } from 'koa';

/** How core reads a Koa context. `ctx.ip` honours `app.proxy` (and `app.maxIpsCount`). */
export const koaAccess: RequestAccess<Context> = {
  ip: (ctx) => ctx.ip,
  socketIp: (ctx) => ctx.req.socket.remoteAddress,
  header: (ctx, name) => ctx.req.headers[name],
  method: (ctx) => ctx.method,
  // Inside a @koa/router route, the matched pattern. Before routing (app.use()), the path,
  // normalised as @koa/router compares paths by default (`sensitive: false`, `strict: false`):
  // Koa cannot tell which router, with which options, will run next.
  route: (ctx, matching) => {
    const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
    if (matched !== undefined) return String(matched);
    return normalizeRoutePath(ctx.path, matching?.caseSensitive ?? false, matching?.strict ?? false);
  },
};
