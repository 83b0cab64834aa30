import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit, type ExpressOnLimited, type ExpressRateLimitOptions } from '../src/index.js';
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

const onLimitedFor: Record<OnLimitedSpec, ExpressOnLimited> = {
  custom: (_req, res, decision) => {
    res.status(429).json({ custom: true, policy: decision.policy });
  },
  throw: () => {
    throw new Error(ON_LIMITED_FAILURE);
  },
  reject: async () => Promise.reject(new Error(ON_LIMITED_FAILURE)),
};

function expressOptions(shared: SharedOptions): ExpressRateLimitOptions {
  const { onLimited, ...rest } = shared;
  return onLimited === undefined ? rest : { ...rest, onLimited: onLimitedFor[onLimited] };
}

/** Express the way users write it: app.use() for one global limit, route middleware otherwise. */
async function build(spec: AppSpec): Promise<TestApp> {
  const events = new EventLog();
  const routes = spec.routes ?? [{ path: '/' }];
  const app = express();
  if (spec.trustProxy === true) app.set('trust proxy', 'loopback');

  app.use((req: Request, _res: Response, next: NextFunction) => {
    const id = req.headers['x-request-id'];
    if (typeof id === 'string') {
      events.add(`arrived ${id}`);
      req.socket.once('close', () => events.add(`closed ${id}`));
    }
    if (routes.find((route) => route.path === req.path)?.waitForClientToLeave === true) req.socket.once('close', () => next());
    else next();
  });

  const globalLimit = spec.global === undefined ? undefined : rateLimit(expressOptions(spec.global));
  const perRoute = routes.some((route) => route.rateLimit !== undefined);
  if (globalLimit !== undefined && !perRoute) app.use(globalLimit);

  for (const route of routes) {
    const chain: RequestHandler[] = [];
    if (perRoute) {
      if (route.rateLimit === undefined && globalLimit !== undefined) chain.push(globalLimit);
      else if (route.rateLimit !== undefined && route.rateLimit !== false) chain.push(rateLimit(expressOptions(route.rateLimit)));
    }
    if (route.stacked !== undefined) chain.push(rateLimit(expressOptions(route.stacked)));
    app.get(route.path, ...chain, (req: Request, res: Response) => {
      const id = req.headers['x-request-id'];
      if (typeof id === 'string') events.add(`handled ${id}`);
      res.status(Number(req.query.status ?? 200)).json({ rateLimit: req.rateLimit ?? null, rateLimits: req.rateLimits ?? null });
    });
  }

  app.use((error: { code?: string; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    events.add(`error ${error.code ?? 'unknown'}`);
    res.status(500).json({ error: error.code, message: error.message });
  });

  return supertestApp('Express', app, spec, events);
}

export const expressHarness: AdapterHarness = { name: 'express', build };
