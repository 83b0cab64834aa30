import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyContextConfig } from 'fastify';
import { rateLimit, type FastifyOnLimited, type FastifyRateLimitOptions } from '../src/index.js';
import {
  EventLog,
  ON_LIMITED_FAILURE,
  type OnLimitedSpec,
  headerText,
  parseBody,
  type AdapterHarness,
  type AppSpec,
  type SharedOptions,
  type TestApp,
  type TestRequest,
} from '../../../test/adapter-behaviour/index.js';

const onLimitedFor: Record<OnLimitedSpec, FastifyOnLimited> = {
  custom: (_request, reply, decision) => {
    reply.send({ custom: true, policy: decision.policy });
  },
  throw: () => {
    throw new Error(ON_LIMITED_FAILURE);
  },
  reject: async () => Promise.reject(new Error(ON_LIMITED_FAILURE)),
};

function fastifyOptions(shared: SharedOptions): FastifyRateLimitOptions {
  const { onLimited, ...rest } = shared;
  return onLimited === undefined ? rest : { ...rest, onLimited: onLimitedFor[onLimited] };
}

/**
 * Fastify the way users write it: the plugin for every route, `config.rateLimit` per route.
 * Requests go through `app.inject()`; a client IP is the injected socket's remoteAddress, or,
 * behind a trusted proxy, an X-Forwarded-For from loopback. Tests that need a client to hang
 * up use a real socket (`listen()`).
 */
async function build(spec: AppSpec): Promise<TestApp> {
  const events = new EventLog();
  const routes = spec.routes ?? [{ path: '/' }];
  const app = Fastify({ trustProxy: spec.trustProxy === true ? 'loopback' : false });

  app.addHook('onRequest', (request, _reply, done) => {
    const id = request.headers['x-request-id'];
    if (typeof id === 'string') {
      events.add(`arrived ${id}`);
      request.raw.socket.once('close', () => events.add(`closed ${id}`));
    }
    if (routes.find((route) => route.path === request.url)?.waitForClientToLeave === true) request.raw.socket.once('close', () => done());
    else done();
  });
  app.setErrorHandler((error: { code?: string; message?: string }, _request, reply) => {
    events.add(`error ${error.code ?? 'unknown'}`);
    reply.code(500).send({ error: error.code, message: error.message });
  });

  try {
    await app.register(rateLimit, spec.global === undefined ? { global: false } : fastifyOptions(spec.global));
    for (const route of routes) {
      // Typed through @sluice/fastify's module augmentation of FastifyContextConfig.
      const config: FastifyContextConfig =
        route.rateLimit === undefined ? {} : { rateLimit: route.rateLimit === false ? false : fastifyOptions(route.rateLimit) };
      // preHandler: after every onRequest hook, so the plugin-wide limit decides first.
      const preHandler = route.stacked === undefined ? undefined : app.rateLimit(fastifyOptions(route.stacked));
      app.get(route.path, { config, ...(preHandler === undefined ? {} : { preHandler }) }, async (request, reply) => {
        const id = request.headers['x-request-id'];
        if (typeof id === 'string') events.add(`handled ${id}`);
        const status = (request.query as { status?: string }).status;
        reply.code(Number(status ?? 200));
        return { rateLimit: request.rateLimit, rateLimits: request.rateLimits };
      });
    }
    await app.ready();
  } catch (error) {
    await app.close();
    throw error;
  }

  let base: string | undefined;
  return {
    events,
    async request({ path, headers = {}, clientIp }: TestRequest) {
      const viaProxy = spec.trustProxy === true && clientIp !== undefined;
      const response = await app.inject({
        method: 'GET',
        url: path,
        headers: viaProxy ? { ...headers, 'x-forwarded-for': clientIp } : headers,
        remoteAddress: viaProxy ? '127.0.0.1' : (clientIp ?? '127.0.0.1'),
      });
      const out: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(response.headers)) out[name] = headerText(value as string | string[] | undefined);
      return { status: response.statusCode, headers: out, body: parseBody(out['content-type'], response.body) };
    },
    async listen() {
      if (base === undefined) {
        await app.listen({ port: 0, host: '127.0.0.1' });
        base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
      }
      return base;
    },
    async close() {
      await app.close();
    },
  };
}

export const fastifyHarness: AdapterHarness = { name: 'fastify', build };
