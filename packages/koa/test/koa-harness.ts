import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { rateLimit, type KoaOnLimited, type KoaRateLimitOptions } from '../src/index.js';
import {
  EventLog,
  ON_LIMITED_FAILURE,
  type OnLimitedSpec,
  supertestApp,
  type AdapterHarness,
  type AppSpec,
  type SharedOptions,
  type TestApp,
} from '../../../test/adapter-behaviour/index.js';

const onLimitedFor: Record<OnLimitedSpec, KoaOnLimited> = {
  custom: (ctx, decision) => {
    ctx.body = { custom: true, policy: decision.policy };
  },
  throw: () => {
    throw new Error(ON_LIMITED_FAILURE);
  },
  reject: async () => Promise.reject(new Error(ON_LIMITED_FAILURE)),
};

function koaOptions(shared: SharedOptions): KoaRateLimitOptions {
  const { onLimited, ...rest } = shared;
  return onLimited === undefined ? rest : { ...rest, onLimited: onLimitedFor[onLimited] };
}

/** Koa the way users write it: app.use() for one global limit, @koa/router route middleware otherwise. */
async function build(spec: AppSpec): Promise<TestApp> {
  const events = new EventLog();
  const routes = spec.routes ?? [{ path: '/' }];
  const app = new Koa();
  if (spec.trustProxy === true) {
    app.proxy = true;
    app.maxIpsCount = 1; // one proxy in front: only its entry is trusted
  }

  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      const { code, message } = error as { code?: string; message?: string };
      events.add(`error ${code ?? 'unknown'}`);
      ctx.status = 500;
      ctx.body = { error: code, message };
    }
  });

  app.use(async (ctx, next) => {
    const id = ctx.get('x-request-id');
    if (id !== '') {
      events.add(`arrived ${id}`);
      ctx.req.socket.once('close', () => events.add(`closed ${id}`));
    }
    if (routes.find((route) => route.path === ctx.path)?.waitForClientToLeave === true) {
      await new Promise((resolve) => ctx.req.socket.once('close', resolve));
    }
    await next();
  });

  const globalLimit = spec.global === undefined ? undefined : rateLimit(koaOptions(spec.global));
  const perRoute = routes.some((route) => route.rateLimit !== undefined);
  if (globalLimit !== undefined && !perRoute) app.use(globalLimit);

  const router = new Router();
  for (const route of routes) {
    const chain: Middleware[] = [];
    if (perRoute) {
      if (route.rateLimit === undefined && globalLimit !== undefined) chain.push(globalLimit);
      else if (route.rateLimit !== undefined && route.rateLimit !== false) chain.push(rateLimit(koaOptions(route.rateLimit)));
    }
    if (route.stacked !== undefined) chain.push(rateLimit(koaOptions(route.stacked)));
    router.get(route.path, ...chain, (ctx) => {
      const id = ctx.get('x-request-id');
      if (id !== '') events.add(`handled ${id}`);
      ctx.status = Number(ctx.query.status ?? 200);
      ctx.body = { rateLimit: ctx.state.rateLimit ?? null, rateLimits: ctx.state.rateLimits ?? null };
    });
  }
  app.use(router.routes());

  const callback = app.callback();
  return supertestApp('Koa', callback, spec, events);
}

export const koaHarness: AdapterHarness = { name: 'koa', build };
