import Fastify from 'fastify';
import { rateLimit } from '../src/index.js';
import { runConcurrencyLeases } from '../../../test/adapter-behaviour/index.js';

runConcurrencyLeases({
  name: 'fastify',
  async start(options, probe) {
    const app = Fastify();
    await app.register(rateLimit, { ...options, key: () => 'one' });
    app.get<{ Querystring: { ms: string } }>('/slow', async (request) => {
      probe.entered();
      await new Promise((resolve) => setTimeout(resolve, Number(request.query.ms)));
      probe.left();
      return { ok: true };
    });
    app.get('/throw', async () => {
      throw new Error('handler failed');
    });
    app.get('/hang', (_request, reply) => {
      probe.arrived();
      reply.raw.once('close', () => undefined); // never answers: the client leaves
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url, close: () => app.close() };
  },
});
