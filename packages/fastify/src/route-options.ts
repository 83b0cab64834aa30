import { InvalidOptionError, LIMITER_OPTION_KEYS, isPlainObject, type Store } from '@sluice/core';
import type { FastifyRateLimitOptions } from './options.js';

/** Limiter settings a route may give inline (the limiter's own list, without policies and the adapter-level onWarning). */
const INLINE_SETTINGS = LIMITER_OPTION_KEYS.filter((name) => name !== 'policies' && name !== 'onWarning');

/**
 * A route's options (`config.rateLimit`, or `fastify.rateLimit(options)`) merged over the
 * plugin's. A route that brings its own `limiter` replaces the plugin's. A route that brings
 * its own `policies` keeps every setting of the plugin's limiter: with a plugin `limiter`, it
 * becomes `limiter.withPolicies(policies)` (a function of the request: one sibling per set),
 * or, when the route also overrides some settings, a limiter built from `limiter.options` with
 * those replaced; with inline plugin options, the route inherits them and the plugin's store
 * (so a shared Redis store carries over). A route `key` replaces the plugin's `ipv6Subnet` and
 * vice versa, since the two describe the same thing.
 */
export function mergeRouteOptions(
  plugin: FastifyRateLimitOptions,
  route: unknown,
  pluginStore: Store | undefined,
  option = 'config.rateLimit',
): FastifyRateLimitOptions {
  if (!isPlainObject(route)) {
    throw new InvalidOptionError(option, route, 'false or an options object');
  }
  const merged: Record<string, unknown> = { ...plugin, ...route };
  const pluginLimiter = plugin.limiter;
  const overrides = INLINE_SETTINGS.filter((name) => route[name] !== undefined);
  if (route.limiter !== undefined) {
    delete merged.policies;
    for (const name of INLINE_SETTINGS) if (route[name] === undefined) delete merged[name];
  } else if (route.policies !== undefined && pluginLimiter !== undefined) {
    if (overrides.length > 0) {
      delete merged.limiter;
      for (const [name, value] of Object.entries(pluginLimiter.options)) if (route[name] === undefined) merged[name] = value;
    } else if (typeof route.policies !== 'function') {
      // Validated here, at route registration, with errors naming `policies[i]`.
      merged.limiter = pluginLimiter.withPolicies(route.policies as Parameters<typeof pluginLimiter.withPolicies>[0]);
      delete merged.policies;
    }
  } else if (merged.limiter === undefined) {
    merged.store ??= pluginStore;
  }
  if (route.key !== undefined && route.ipv6Subnet === undefined) delete merged.ipv6Subnet;
  if (route.ipv6Subnet !== undefined && route.key === undefined) delete merged.key;
  return merged as FastifyRateLimitOptions;
}
