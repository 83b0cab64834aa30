import {
  InvalidOptionError,
  MemoryStore,
  RATE_LIMIT_OPTION_KEYS,
  RateLimitEngine,
  assertKnownKeys,
  assertPlainObject,
  type Store,
} from '@sluice/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import './augment.js';
import { createOnRequest, createOnResponse, kOutcome, type FastifyEngine } from './hooks.js';
import type { FastifyOnLimited, FastifyRateLimitOptions, FastifyRateLimitPluginOptions } from './options.js';
import { fastifyAccess } from './request-access.js';
import { mergeRouteOptions } from './route-options.js';

/** A route's hook list with ours last: a route's own hooks (e.g. authentication) run first. */
function appendHook<H>(existing: H | readonly H[] | undefined, hook: H): H[] {
  if (existing === undefined) return [hook];
  return Array.isArray(existing) ? [...(existing as readonly H[]), hook] : [existing as H, hook];
}

function resolveGlobal(value: unknown): boolean {
  if (value === undefined) return true;
  if (typeof value !== 'boolean') throw new InvalidOptionError('global', value, 'a boolean');
  return value;
}

function engineFor(options: FastifyRateLimitOptions): FastifyEngine {
  return new RateLimitEngine<FastifyRequest, FastifyOnLimited>(options, fastifyAccess);
}

async function sluiceRateLimit(fastify: FastifyInstance, options: FastifyRateLimitPluginOptions): Promise<void> {
  assertPlainObject(options as unknown, 'rateLimit plugin options');
  const { global: globalOption, ...shared } = options;
  const global = resolveGlobal(globalOption);
  assertKnownKeys(shared, new Set(RATE_LIMIT_OPTION_KEYS), '');

  // One store for the plugin and every route override, so a route that only changes `cost`
  // spends from the same budget; routes with their own policies count apart by policy id.
  let pluginStore: Store | undefined = shared.store;
  if (pluginStore === undefined && shared.limiter === undefined) {
    const ownStore = new MemoryStore();
    pluginStore = ownStore;
    fastify.addHook('onClose', async () => ownStore.close());
  }
  const pluginOptions: FastifyRateLimitOptions = shared.limiter === undefined ? { ...shared, store: pluginStore } : shared;
  const pluginEngine = global ? engineFor(pluginOptions) : undefined;

  if (!fastify.hasRequestDecorator('rateLimit')) fastify.decorateRequest('rateLimit', null);
  if (!fastify.hasRequestDecorator(kOutcome as unknown as string)) fastify.decorateRequest(kOutcome as unknown as string, null);

  // GET and its automatic HEAD route share one config object, hence one engine (one bucket).
  const routeEngines = new WeakMap<object, FastifyEngine>();

  fastify.addHook('onRoute', (route) => {
    const config = route.config?.rateLimit;
    if (config === false) return;
    let engine: FastifyEngine | undefined = pluginEngine;
    if (config !== undefined) {
      engine = routeEngines.get(config);
      if (engine === undefined) {
        engine = engineFor(mergeRouteOptions(shared, config, pluginStore));
        routeEngines.set(config, engine);
      }
    }
    if (engine === undefined) return;
    route.onRequest = appendHook(route.onRequest, createOnRequest(engine));
    if (engine.refunds) route.onResponse = appendHook(route.onResponse, createOnResponse(engine));
  });
}

/**
 * The Fastify plugin: `await app.register(rateLimit, options)`, then every route registered
 * after it is limited; `config: { rateLimit: {...} }` overrides a route, `config: { rateLimit:
 * false }` exempts it. Wrapped with fastify-plugin so its hooks reach the whole app.
 */
export const rateLimit = fp(sluiceRateLimit, { fastify: '5.x', name: '@sluice/fastify' });
