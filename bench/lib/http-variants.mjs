// The HTTP variants of one framework's hello world, each as a Node request handler (req, res):
// bare; two constant headers and no limiter (the floor any limiter writing two headers pays);
// the framework's usual limiter; Sluice (memory store, draft-10 headers). Limits are never reached.
import http from 'node:http';
import { createRequire } from 'node:module';
import { BENCH_DIR } from './env.mjs';

const require = createRequire(`${BENCH_DIR}/package.json`);
const HELLO = 'hello world';
// What a draft-10 limiter would write, as constants.
const POLICY_HEADER = ['RateLimit-Policy', '"default";q=1000000000;w=60'];
const STATE_HEADER = ['RateLimit', '"default";r=999999999;t=60'];

// 'bare-again' is a second, identical bare app: how far it lands from 'bare' is the method's resolution.
export const VARIANT_IDS = ['bare', 'bare-again', 'headers', 'peer', 'sluice'];

async function sluicePolicies() {
  const core = await import('@sluice/core');
  return [core.fixedWindow({ limit: 1e9, window: '1m' })];
}

async function express() {
  const { default: createApp } = await import('express');
  const { rateLimit: erl } = require('express-rate-limit');
  const { rateLimit } = await import('@sluice/express');
  const policies = await sluicePolicies();
  const make = (middleware) => {
    const app = createApp();
    if (middleware) app.use(middleware);
    app.get('/', (req, res) => {
      res.send(HELLO);
    });
    return app;
  };
  return {
    bare: make(),
    'bare-again': make(),
    headers: make((req, res, next) => {
      res.setHeader(POLICY_HEADER[0], POLICY_HEADER[1]);
      res.setHeader(STATE_HEADER[0], STATE_HEADER[1]);
      next();
    }),
    // Standard headers (its newest draft) and no legacy X-RateLimit-*, as Sluice sends.
    peer: make(erl({ windowMs: 60_000, limit: 1e9, standardHeaders: 'draft-8', legacyHeaders: false })),
    sluice: make(rateLimit({ policies })),
  };
}

async function koa() {
  const { default: Koa } = await import('koa');
  const ratelimit = require('koa-ratelimit');
  const { rateLimit } = await import('@sluice/koa');
  const policies = await sluicePolicies();
  const make = (middleware) => {
    const app = new Koa();
    if (middleware) app.use(middleware);
    app.use((ctx) => {
      ctx.body = HELLO;
    });
    return app.callback();
  };
  return {
    bare: make(),
    'bare-again': make(),
    headers: make((ctx, next) => {
      ctx.set(POLICY_HEADER[0], POLICY_HEADER[1]);
      ctx.set(STATE_HEADER[0], STATE_HEADER[1]);
      return next();
    }),
    // Its in-process driver; it writes X-RateLimit-Limit/Remaining/Reset (it has no other format).
    peer: make(ratelimit({ driver: 'memory', db: new Map(), duration: 60_000, max: 1e9, id: (ctx) => ctx.ip })),
    sluice: make(rateLimit({ policies })),
  };
}

async function fastify() {
  const { default: Fastify } = await import('fastify');
  const { default: fastifyRateLimit } = await import('@fastify/rate-limit');
  const { rateLimit } = await import('@sluice/fastify');
  const policies = await sluicePolicies();
  const make = async (setup) => {
    let handler;
    // serverFactory hands us Fastify's request handler; the bench's one server calls it.
    const app = Fastify({
      serverFactory: (h) => {
        handler = h;
        return http.createServer();
      },
    });
    await setup?.(app);
    app.get('/', (request, reply) => {
      reply.send(HELLO);
    });
    await app.ready();
    return handler;
  };
  return {
    bare: await make(),
    'bare-again': await make(),
    headers: await make((app) =>
      app.addHook('onRequest', (request, reply, done) => {
        reply.header(POLICY_HEADER[0], POLICY_HEADER[1]);
        reply.header(STATE_HEADER[0], STATE_HEADER[1]);
        done();
      }),
    ),
    // Its local store; enableDraftSpec writes the IETF ratelimit-* headers instead of x-ratelimit-*.
    peer: await make((app) => app.register(fastifyRateLimit, { max: 1e9, timeWindow: 60_000, enableDraftSpec: true })),
    sluice: await make((app) => app.register(rateLimit, { policies })),
  };
}

export const FRAMEWORKS = {
  express: { label: 'Express', package: 'express', peer: 'express-rate-limit', peerPackage: 'express-rate-limit', build: express },
  fastify: { label: 'Fastify', package: 'fastify', peer: '@fastify/rate-limit', peerPackage: '@fastify/rate-limit', build: fastify },
  koa: { label: 'Koa', package: 'koa', peer: 'koa-ratelimit', peerPackage: 'koa-ratelimit', build: koa },
};
