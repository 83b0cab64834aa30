import { InvalidOptionError, isPlainObject, type Limiter, type Store } from '@sluice/core';
import type { FastifyRateLimitOptions } from './options.js';

const INLINE_LIMITER_OPTIONS = ['store', 'prefix', 'onStoreError', 'timeoutMs', 'onError'] as const;

/**
 * A route's options merged over the plugin's. A route that brings its own `limiter` or
 * `policies` replaces the plugin's pair; its policies then live in the plugin's store (so a
 * shared Redis store carries over). A route `key` replaces the plugin's `ipv6Subnet` and vice
 * versa, since the two describe the same thing.
 */
export function mergeRouteOptions(
  plugin: FastifyRateLimitOptions,
  route: unknown,
  pluginStore: Store | undefined,
): FastifyRateLimitOptions {
  if (!isPlainObject(route)) {
    throw new InvalidOptionError('config.rateLimit', route, 'false or an options object');
  }
  const merged: Record<string, unknown> = { ...plugin, ...route };
  const ownLimiter = route.limiter !== undefined;
  const ownPolicies = route.policies !== undefined;
  if (ownPolicies) delete merged.limiter;
  if (ownLimiter) {
    delete merged.policies;
    for (const name of INLINE_LIMITER_OPTIONS) if (route[name] === undefined) delete merged[name];
  } else if (merged.limiter === undefined) {
    merged.store ??= pluginStore ?? (plugin.limiter as Limiter | undefined)?.store;
    if (plugin.limiter !== undefined) {
      merged.prefix ??= plugin.limiter.prefix;
      merged.onStoreError ??= plugin.limiter.onStoreError;
      merged.timeoutMs ??= plugin.limiter.timeoutMs;
    }
  }
  if (route.key !== undefined && route.ipv6Subnet === undefined) delete merged.ipv6Subnet;
  if (route.ipv6Subnet !== undefined && route.key === undefined) delete merged.key;
  return merged as FastifyRateLimitOptions;
}
