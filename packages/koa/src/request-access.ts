import { normalizeRoutePath, type RequestAccess } from '@sluice/core';
import type { Context } from 'koa';

/** What this module reads of a @koa/router layer (`ctx.matched` holds them). */
interface MatchedLayer {
  readonly path: unknown;
  readonly methods: readonly string[];
}

interface RoutedContext {
  _matchedRoute?: unknown;
  matched?: readonly MatchedLayer[];
}

/**
 * The pattern of the route @koa/router matched, or undefined before routing. Inside a
 * `router.use()` middleware `ctx._matchedRoute` is the use layer's pattern (e.g.
 * `/api(?:\/|$)`), the same for every route under it, so the route layer is read from
 * `ctx.matched`: the layer the current middleware belongs to when it is a route layer (route
 * middleware), else the last layer serving this method, the one @koa/router names as matched.
 */
function matchedRoute(ctx: Context): string | undefined {
  const { _matchedRoute: current, matched } = ctx as Context & RoutedContext;
  if (Array.isArray(matched)) {
    let route: MatchedLayer | undefined;
    for (const layer of matched) {
      if (!Array.isArray(layer.methods) || !layer.methods.includes(ctx.method)) continue;
      if (layer.path === current) return String(current);
      route = layer;
    }
    if (route !== undefined) return String(route.path);
  }
  return current === undefined ? undefined : String(current);
}

/** How core reads a Koa context. `ctx.ip` honours `app.proxy` (and `app.maxIpsCount`). */
export const koaAccess: RequestAccess<Context> = {
  ip: (ctx) => ctx.ip,
  socketIp: (ctx) => ctx.req.socket.remoteAddress,
  header: (ctx, name) => ctx.req.headers[name],
  method: (ctx) => ctx.method,
  // Inside @koa/router (route or router.use() middleware), the matched route's pattern. Before
  // routing (app.use()), the path, normalised as @koa/router compares paths by default
  // (`sensitive: false`, `strict: false`): Koa cannot tell which router, with which options, will run next.
  route: (ctx, matching) =>
    matchedRoute(ctx) ?? normalizeRoutePath(ctx.path, matching?.caseSensitive ?? false, matching?.strict ?? false),
};
