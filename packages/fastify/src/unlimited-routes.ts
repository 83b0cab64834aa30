import type { FastifyInstance } from 'fastify';

export const UNLIMITED_ROUTES = 'SLUICE_UNLIMITED_ROUTES';

// printRoutes({ includeHooks: true }) lists each route (`/path (GET, POST)`) followed by its
// hook lines (`• (onRequest) ["name()", ...]`).
const ROUTE_LINE = /([^\s│├└─]\S*) \(([A-Z, ]+)\)\s*$/;
const ON_REQUEST_LINE = /• \(onRequest\) \[(.*)\]/;
const OUR_HOOKS = /"(?:bound )?sluice(?:RateLimit|CatchAll)\(\)"/;

/**
 * The routes no Sluice hook reaches with `global: true` (e.g. declared in a scope that was
 * closed before the plugin loaded), as `METHOD /path`, from Fastify's own route listing.
 * Routes exempted with `config.rateLimit: false` are in `exempt`.
 */
export function unlimitedRoutes(fastify: FastifyInstance, exempt: ReadonlySet<string>): string[] {
  const lines = fastify.printRoutes({ commonPrefix: false, includeHooks: true }).split('\n');
  const unlimited: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const route = ROUTE_LINE.exec(lines[i]!);
    if (route === null) continue;
    let limited = false;
    for (let j = i + 1; j < lines.length && !ROUTE_LINE.test(lines[j]!); j++) {
      const hooks = ON_REQUEST_LINE.exec(lines[j]!);
      if (hooks !== null && OUR_HOOKS.test(hooks[1]!)) limited = true;
    }
    if (limited) continue;
    for (const method of route[2]!.split(', ')) {
      const name = `${method} ${route[1]!}`;
      if (!exempt.has(name) && method !== 'HEAD') unlimited.push(name);
    }
  }
  return unlimited;
}
