import type { FastifyContextConfig, FastifyRequest, onRequestHookHandler, onResponseHookHandler } from 'fastify';
import type { FastifyEngine } from './hooks.js';
import { kOutcome } from './hooks.js';

/** Set on the config of every route the plugin's onRoute hook saw: that route's own hooks decide. */
export const kCovered = Symbol('sluice.covered');
/** The engine that limited a request through the catch-all, for the refund check after it. */
export const kCaughtBy = Symbol('sluice.caughtBy');

export type RouteConfig = FastifyContextConfig & { [kCovered]?: true };

type CaughtRequest = FastifyRequest & { [kCaughtBy]: FastifyEngine | null };

/**
 * The plugin-wide onRequest hook. Not-found requests (`request.is404`, a cheap check) get the
 * plugin's limit. When routes were declared before the plugin loaded (`earlyRoutes`), the
 * others are looked up by their config: those the plugin saw have their own hook; the rest
 * (and only in that case is the per-request config read paid) get their config's limit.
 */
export function createCatchAll(
  notFound: () => { readonly engine: FastifyEngine; readonly onRequest: onRequestHookHandler },
  earlyRoutes: boolean,
  forConfig: (rateLimit: unknown) => { readonly engine: FastifyEngine; readonly onRequest: onRequestHookHandler } | undefined,
): onRequestHookHandler {
  return function sluiceCatchAll(request, reply, done) {
    let hooks: ReturnType<typeof forConfig>;
    if (request.is404) hooks = notFound();
    else if (!earlyRoutes) {
      done();
      return;
    } else {
      const config = request.routeOptions.config as RouteConfig;
      hooks = config[kCovered] === true ? undefined : forConfig(config.rateLimit);
    }
    if (hooks === undefined) {
      done();
      return;
    }
    if (hooks.engine.refunds) (request as CaughtRequest)[kCaughtBy] = hooks.engine;
    hooks.onRequest.call(this, request, reply, done);
  };
}

/** Refunds for requests the catch-all limited (routes with their own hooks refund through them). */
export const catchAllRefund: onResponseHookHandler = function sluiceCatchAllRefund(request, reply, done) {
  const engine = (request as CaughtRequest)[kCaughtBy];
  const outcome = (request as FastifyRequest & { [kOutcome]: Parameters<FastifyEngine['afterResponse']>[0] | null })[kOutcome];
  if (engine !== null && engine !== undefined && outcome !== null && outcome !== undefined) engine.afterResponse(outcome, reply.statusCode);
  done();
};
