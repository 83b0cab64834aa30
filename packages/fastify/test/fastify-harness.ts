import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyContextConfig } from 'fastify';
import { rateLimit, type FastifyRateLimitOptions } from '../src/index.js';
import {
  EventLog,
  httpGet,
  type AdapterHarness,
  type AppSpec,
  type SharedOptions,
  type TestApp,
  type TestRequest,
} from '../../../test/adapter-behaviour/index.js';

function fastifyOptions(shared: SharedOptions): FastifyRateLimitOptions {
  const { onLimited, ...rest } = shared;
  if (onLimited !== 'custom') return rest;
  return {
    ...rest,
    onLimited: (_request, reply, decision) => {
      reply.send({ custom: true, policy: decision.policy });
    },
  };
}

/**
 * Fastify the way users write it: the plugin for every route, `config.rateLimit` per route.
 * Requests go over real sockets: app.inject() loads light-my-request, whose ESM-only `cookie`
 * dependency jest's CommonJS runtime cannot require on Node 20. Client IPs are simulated as
 * for Express and Koa, through X-Forwarded-For from the trusted loopback proxy.
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
  app.setErrorHandler((error: { code?: string }, _request, reply) => {
    events.add(`error ${error.code ?? 'unknown'}`);
    reply.code(500).send({ error: error.code });
  });

  try {
    await app.register(rateLimit, spec.global === undefined ? { global: false } : fastifyOptions(spec.global));
    for (const route of routes) {
      // Typed through @sluice/fastify's module augmentation of FastifyContextConfig.
      const config: FastifyContextConfig =
        route.rateLimit === undefined ? {} : { rateLimit: route.rateLimit === false ? false : fastifyOptions(route.rateLimit) };
      app.get(route.path, { config }, async (request, reply) => {
        const id = request.headers['x-request-id'];
        if (typeof id === 'string') events.add(`handled ${id}`);
        const status = (request.query as { status?: string }).status;
        reply.code(Number(status ?? 200));
        return { rateLimit: request.rateLimit };
      });
    }
    await app.ready();
  } catch (error) {
    await app.close();
    throw error;
  }

  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    events,
    async request({ path, headers = {}, clientIp }: TestRequest) {
      if (clientIp !== undefined && spec.trustProxy !== true) throw new Error('Fastify simulates client IPs through a trusted proxy: set trustProxy');
      return httpGet(base, path, clientIp === undefined ? headers : { ...headers, 'x-forwarded-for': clientIp });
    },
    async listen() {
      return base;
    },
    async close() {
      await app.close();
    },
  };
}

export const fastifyHarness: AdapterHarness = { name: 'fastify', build };
