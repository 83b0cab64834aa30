import { normalizeRoutePath, type RequestAccess } from '@sluice/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';

interface RouterSettings {
  caseSensitive?: boolean;
  ignoreTrailingSlash?: boolean;
}

/**
 * The router's settings: Fastify 5 keeps them in `routerOptions` (the top-level copies in
 * `initialConfig` then show defaults); earlier versions only at the top level.
 */
function routerSettings(server: FastifyInstance): RouterSettings {
  const config = server.initialConfig as RouterSettings & { routerOptions?: RouterSettings };
  return config.routerOptions ?? config;
}

/** How core reads a Fastify request. `request.ip` honours the instance's `trustProxy` option. */
export const fastifyAccess: RequestAccess<FastifyRequest> = {
  ip: (request) => request.ip,
  socketIp: (request) => request.socket?.remoteAddress,
  header: (request, name) => request.headers[name],
  method: (request) => request.method,
  // Fastify routes before any hook runs, so a matched request has its pattern; only a request
  // no route matched (the not-found handler) is keyed by its path, normalised as the router
  // would compare it (defaults: case-sensitive, trailing slash significant).
  route: (request, matching) => {
    const pattern = request.routeOptions.url;
    if (pattern !== undefined) return pattern;
    const router = routerSettings(request.server);
    return normalizeRoutePath(
      request.url,
      matching?.caseSensitive ?? router.caseSensitive ?? true,
      matching?.strict ?? router.ignoreTrailingSlash !== true,
    );
  },
};
