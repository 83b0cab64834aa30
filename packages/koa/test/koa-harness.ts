import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import { rateLimit, type KoaRateLimitOptions } from '../src/index.js';
import {
  EventLog,
  supertestApp,
  type AdapterHarness,
  type AppSpec,
  type SharedOptions,
  type TestApp,
} from '../../../test/adapter-behaviour/index.js';

function koaOptions(shared: SharedOptions): KoaRateLimitOptions {
  const { onLimited, ...rest } = shared;
  if (onLimited !== 'custom') return rest;
  return {
    ...rest,
    onLimited: (ctx, decision) => {
      ctx.body = { custom: true, policy: decision.policy };
    },
  };
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
      const code = (error as { code?: string }).code;
      events.add(`error ${code ?? 'unknown'}`);
      ctx.status = 500;
      ctx.body = { error: code };
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
    router.get(route.path, ...chain, (ctx) => {
      const id = ctx.get('x-request-id');
      if (id !== '') events.add(`handled ${id}`);
      ctx.status = Number(ctx.query.status ?? 200);
      ctx.body = { rateLimit: ctx.state.rateLimit ?? null };
    });
  }
  app.use(router.routes());

  const callback = app.callback();
  return supertestApp('Koa', callback, spec, events);
}

export const koaHarness: AdapterHarness = { name: 'koa', build };
