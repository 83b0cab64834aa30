import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { rateLimit, type ExpressRateLimitOptions } from '../src/index.js';
import {
  EventLog,
  supertestApp,
  type AdapterHarness,
  type AppSpec,
  type SharedOptions,
  type TestApp,
} from '../../../test/adapter-behaviour/index.js';

function expressOptions(shared: SharedOptions): ExpressRateLimitOptions {
  const { onLimited, ...rest } = shared;
  if (onLimited !== 'custom') return rest;
  return {
    ...rest,
    onLimited: (_req, res, decision) => {
      res.status(429).json({ custom: true, policy: decision.policy });
    },
  };
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
    app.get(route.path, ...chain, (req: Request, res: Response) => {
      const id = req.headers['x-request-id'];
      if (typeof id === 'string') events.add(`handled ${id}`);
      res.status(Number(req.query.status ?? 200)).json({ rateLimit: req.rateLimit ?? null });
    });
  }

  app.use((error: { code?: string }, _req: Request, res: Response, _next: NextFunction) => {
    events.add(`error ${error.code ?? 'unknown'}`);
    res.status(500).json({ error: error.code });
  });

  return supertestApp('Express', app, spec, events);
}

export const expressHarness: AdapterHarness = { name: 'express', build };
