import Fastify, { type FastifyRequest } from 'fastify';
import { describeLoadShedding, priorityFor, type ShedApp, type ShedAppSpec } from '../../core/test/shedding-harness.js';
import { loadShedding, loadSheddingHook } from '../src/index.js';

async function start(spec: ShedAppSpec): Promise<ShedApp> {
  // The /destroy handler never answers: close() must not wait for its connection.
  const app = Fastify({ forceCloseConnections: true });
  const header = (request: FastifyRequest) => request.headers['x-priority'] as string | undefined;
  await app.register(loadShedding, { ...spec.options, priority: priorityFor(spec.priority, header) });
  app.get('/hold', async (request) => {
    await spec.gates.hold(String((request.query as { id: string }).id));
    return 'ok';
  });
  app.get('/ok', async () => 'ok');
  app.get('/throw', async () => {
    throw new Error('handler failed');
  });
  app.get('/destroy', (request) => {
    request.raw.socket.destroy();
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

describeLoadShedding('fastify', start, async (options) => {
  const app = Fastify();
  try {
    await app.register(loadShedding, options as never);
    await app.ready();
  } finally {
    await app.close();
  }
});

describe('fastify loadSheddingHook', () => {
  test('sheds on the one route it guards, with the limiter readable on the hook', async () => {
    const hook = loadSheddingHook({ minLimit: 1, initialLimit: 1, maxLimit: 1 });
    const app = Fastify();
    let open: () => void = () => {};
    app.get('/guarded', { onRequest: hook }, () => new Promise<string>((resolve) => { open = () => resolve('ok'); }));
    app.get('/free', async () => 'ok');
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const first = fetch(`${url}/guarded`);
      for (let i = 0; i < 400 && hook.limiter.inFlight === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(hook.limiter.inFlight).toBe(1);
      expect((await fetch(`${url}/guarded`)).status).toBe(503);
      expect((await fetch(`${url}/free`)).status).toBe(200);
      open();
      expect((await first).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
