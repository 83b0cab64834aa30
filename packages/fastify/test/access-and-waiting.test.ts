import Fastify from 'fastify';
import { rateLimit } from '../src/index.js';
import { runAccessAndWaiting } from '../../../test/adapter-behaviour/access-and-waiting.js';

runAccessAndWaiting({
  name: 'fastify',
  async start(options, handled) {
    const app = Fastify();
    try {
      await app.register(rateLimit, options);
      app.get('/ok', async () => {
        handled();
        return { ok: true };
      });
      const url = await app.listen({ port: 0, host: '127.0.0.1' });
      return { url, waiting: () => app.rateLimit.waiting, close: () => app.close() };
    } catch (error) {
      await app.close();
      throw error;
    }
  },
});
