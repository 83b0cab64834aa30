import {
  InvalidOptionError,
  MemoryStore,
  RATE_LIMIT_OPTION_KEYS,
  RateLimitEngine,
  assertKnownKeys,
  assertPlainObject,
  decisionsOf,
  kDecision,
  kDecisions,
  kPolicySet,
  kStack,
  type Decision,
  type DecisionCarrier,
  type Store,
  EventHub,
  emitProcessWarning,
} from '@sluice/core';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import './augment.js';
import { catchAllRefund, createCatchAll, kCaughtBy, kCovered, type RouteConfig } from './catch-all.js';
import { createAsyncHook, createOnRequest, createOnResponse, kOutcome, type FastifyEngine } from './hooks.js';
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

/** `events`: the plugin's hub, which engines built inline on the plugin's store report to. */
function engineFor(options: FastifyRateLimitOptions, events: EventHub | undefined): FastifyEngine {
  return new RateLimitEngine<FastifyRequest, FastifyOnLimited>(options, fastifyAccess, [], events);
}

/** One onRequest hook (and onResponse, with refund) per engine, shared by every route that uses it. */
interface RouteHooks {
  readonly engine: FastifyEngine;
  readonly onRequest: onRequestHookHandler;
}

function hooksFor(engine: FastifyEngine): RouteHooks {
  return { engine, onRequest: createOnRequest(engine) };
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
  // One hub for the plugin and every route override or hook built inline on its store.
  const hub =
    pluginStore === undefined ? undefined : new EventHub(pluginStore, (shared.onWarning as typeof emitProcessWarning | undefined) ?? emitProcessWarning);
  let pluginHooks = global ? hooksFor(engineFor(pluginOptions, hub)) : undefined;
  // With `global: false` the plugin options may lack policies: build them only when asked for.
  const pluginDefaults = (): RouteHooks => (pluginHooks ??= hooksFor(engineFor(pluginOptions, hub)));

  if (!fastify.hasRequestDecorator('rateLimit')) fastify.decorateRequest('rateLimit', null);
  // Built on first read from what the engine recorded: most handlers never ask.
  if (!fastify.hasRequestDecorator('rateLimits')) {
    fastify.decorateRequest('rateLimits', {
      getter(this: FastifyRequest) {
        return decisionsOf(this as unknown as DecisionCarrier) ?? null;
      },
      setter(this: FastifyRequest, value: Decision[] | null) {
        (this as unknown as DecisionCarrier)[kDecisions] = value;
      },
    });
  }
  // Declared up front, so recording a decision never changes a request's shape.
  for (const symbol of [kOutcome, kCaughtBy, kPolicySet, kDecision, kStack, kDecisions]) {
    if (!fastify.hasRequestDecorator(symbol as unknown as string)) fastify.decorateRequest(symbol as unknown as string, null);
  }

  // GET and its automatic HEAD route share one config object, hence one engine (one bucket).
  const routeHooks = new WeakMap<object, RouteHooks>();
  /** Route overrides' engines, for `fastify.rateLimit.waiting`. */
  const routeEngines: FastifyEngine[] = [];
  const hooksForConfig = (config: unknown): RouteHooks | undefined => {
    if (config === false) return undefined;
    if (config === undefined) return global ? pluginDefaults() : undefined;
    let hooks = routeHooks.get(config as object);
    if (hooks === undefined) {
      hooks = hooksFor(engineFor(mergeRouteOptions(shared, config, pluginStore), hub));
      routeHooks.set(config as object, hooks);
      routeEngines.push(hooks.engine);
    }
    return hooks;
  };

  const makeHook = (hookOptions?: FastifyRateLimitOptions) =>
    createAsyncHook(
      hookOptions === undefined ? pluginDefaults().engine : engineFor(mergeRouteOptions(shared, hookOptions, pluginStore, 'rateLimit()'), hub),
    );
  // With a `limiter` option its own events; otherwise the plugin's hub (no engine needed yet).
  const events = shared.limiter?.events ?? hub!;
  Object.defineProperty(makeHook, 'events', { value: events, enumerable: true });
  Object.defineProperty(makeHook, 'limiter', {
    get: () => shared.limiter ?? (global || pluginHooks !== undefined ? pluginDefaults().engine.limiter : undefined),
    enumerable: true,
  });
  Object.defineProperty(makeHook, 'waiting', {
    get: () => routeEngines.reduce((sum, engine) => sum + engine.waiting, pluginHooks?.engine.waiting ?? 0),
    enumerable: true,
  });
  fastify.decorate('rateLimit', makeHook as FastifyInstance['rateLimit']);

  // Routes declared before this plugin finished loading never reach onRoute below; the
  // catch-all hook (which also covers Fastify's not-found handlers) limits them instead.
  const earlyRoutes = fastify.printRoutes({ commonPrefix: false }) !== '(empty tree)';
  // Fastify hands an instance's hooks to every route of its scope at ready(), declared before
  // or after, so this one hook reaches everything the plugin's scope answers.
  if (global) {
    fastify.addHook('onRequest', createCatchAll(pluginDefaults, earlyRoutes, hooksForConfig));
    if (earlyRoutes || shared.refund !== undefined) fastify.addHook('onResponse', catchAllRefund);
  }

  fastify.addHook('onRoute', (route) => {
    const config = route.config?.rateLimit;
    // Tells the catch-all that this route's own hooks decide (or that it is exempt).
    route.config = { ...route.config, [kCovered]: true } as RouteConfig;
    const hooks = hooksForConfig(config);
    if (hooks === undefined) return;
    route.onRequest = appendHook(route.onRequest, hooks.onRequest);
    if (hooks.engine.refunds) route.onResponse = appendHook(route.onResponse, createOnResponse(hooks.engine));
  });
}

/**
 * The Fastify plugin: `await app.register(rateLimit, options)`. With `global` (default), every
 * request Fastify answers is limited: routes registered after it (through their own hooks),
 * routes declared before it finished loading, and not-found responses (through one catch-all
 * onRequest hook). `config: { rateLimit: {...} }` overrides a route, `config: { rateLimit:
 * false }` exempts it, and `fastify.rateLimit(options?)` makes a hook for anywhere else.
 * Wrapped with fastify-plugin so its hooks reach the whole app. A bad option fails the
 * registration with InvalidOptionError naming it (ERR_SLUICE_INVALID_OPTION, or
 * ERR_SLUICE_UNKNOWN_OPTION for a misspelt name).
 */
export const rateLimit = fp(sluiceRateLimit, { fastify: '5.x', name: '@sluice/fastify' });
