import Fastify from 'fastify';
import { runHandlerDone } from '../../../test/adapter-behaviour/handler-done.js';
import { loadShedding, rateLimit } from '../src/index.js';

runHandlerDone({
  name: 'fastify',
  async start(guard, probe) {
    // /never keeps its connection: close() must not wait for it.
    const app = Fastify({ forceCloseConnections: true });
    if (guard.kind === 'rateLimit') {
      await app.register(rateLimit, { store: guard.store, policies: guard.policies, key: () => 'one', cost: (request) => Number(request.headers['x-cost'] ?? 1) });
    } else {
      await app.register(loadShedding, { limiter: guard.limiter });
    }
    app.get('/work', async (request, reply) => {
      probe.entered(reply.raw);
      await new Promise((resolve) => setTimeout(resolve, Number((request.query as { ms: string }).ms)));
      probe.left();
      return 'ok';
    });
    app.get('/gate', async (request, reply) => {
      probe.entered(reply.raw);
      await probe.gate();
      probe.left();
      return 'ok';
    });
    app.get('/never', (request, reply) => {
      probe.entered(reply.raw);
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
});
