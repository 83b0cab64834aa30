import type { Context } from 'koa';

// Koa's `ctx.ip` goes through a delegate, then `request.ips`, which reads and lowercases the
// proxy header even when `app.proxy` is off, then caches under a module-private symbol. With
// `app.proxy` off the answer is the socket address, so this reads it directly through the same
// cache: a middleware that set `ctx.ip` still wins, and later `ctx.ip` reads see the same value.
// Only for apps whose `ip`, `ips` and `socket` are Koa's own, checked once per app.

/** Per app: Koa's IP cache symbol (`Symbol('context#ip')`) when the direct read is Koa's answer, else null. */
const kIpCache = Symbol.for('sluice.koa.ipCache');

interface KoaApp {
  proxy?: boolean;
  context: object;
  request: object;
  [kIpCache]?: symbol | null;
}

/** True when `name` on `from` resolves to the object that `base` (Koa's module prototype) itself defines. */
function koaOwn(from: object, base: object, name: string): boolean {
  for (let o: object | null = from; o !== null; o = Object.getPrototypeOf(o) as object | null) {
    if (Object.hasOwn(o, name)) return o === base;
  }
  return false;
}

/** On an app's first request: Koa's IP through `ctx.ip` (which fills its cache), and whether later ones may read directly. */
function firstIp(ctx: Context, app: KoaApp): string {
  const ip = ctx.ip;
  const koaRequest = Object.getPrototypeOf(app.request) as object;
  const koaContext = Object.getPrototypeOf(app.context) as object;
  const ownGetters =
    koaOwn(app.context, koaContext, 'ip') &&
    koaOwn(app.request, koaRequest, 'ip') &&
    koaOwn(app.request, koaRequest, 'ips') &&
    koaOwn(app.request, koaRequest, 'socket');
  const cache = Object.getOwnPropertySymbols(ctx.request).find((s) => s.description === 'context#ip');
  app[kIpCache] = ownGetters && cache !== undefined ? cache : null;
  return ip;
}

/** `ctx.ip`, read the cheap way where that is provably the same value (see above). */
export function koaClientIp(ctx: Context): string {
  const app = ctx.app as unknown as KoaApp;
  if (app.proxy) return ctx.ip;
  const cache = app[kIpCache];
  if (cache === undefined) return firstIp(ctx, app);
  if (cache === null) return ctx.ip;
  const request = ctx.request as unknown as Record<symbol, string | undefined>;
  const cached = request[cache];
  if (cached) return cached;
  const ip = ctx.req.socket.remoteAddress || '';
  request[cache] = ip;
  return ip;
}
