// Client addresses as Fastify's own socket reports them (no proxy involved), via inject().
import { fixedWindow } from '@sluice/core';
import Fastify from 'fastify';
import { rateLimit } from '../src/index.js';

async function appWith(options: { ipv6Subnet?: number | false } = {}) {
  const app = Fastify();
  await app.register(rateLimit, { policies: [fixedWindow({ name: 'minute', limit: 3, window: '1m' })], ...options });
  app.get('/', async (request) => ({ ip: request.ip }));
  await app.ready();
  const from = async (remoteAddress: string) =>
    (await app.inject({ method: 'GET', url: '/', remoteAddress })).headers['ratelimit'];
  return { app, from };
}

describe('@sluice/fastify client addresses from the socket', () => {
  it('2001:db8::1 and 2001:db8::ffff share a /64 bucket; 2001:db9::1 does not', async () => {
    const { app, from } = await appWith();
    expect(await from('2001:db8::1')).toBe('"minute";r=2;t=60');
    expect(await from('2001:db8::ffff')).toBe('"minute";r=1;t=60');
    expect(await from('2001:db9::1')).toBe('"minute";r=2;t=60');
    await app.close();
  });

  it('an IPv4-mapped IPv6 socket address is the IPv4 client', async () => {
    const { app, from } = await appWith();
    expect(await from('10.0.0.7')).toBe('"minute";r=2;t=60');
    expect(await from('::ffff:10.0.0.7')).toBe('"minute";r=1;t=60');
    await app.close();
  });

  it('a /56 grouping puts neighbouring /64s in one bucket', async () => {
    const { app, from } = await appWith({ ipv6Subnet: 56 });
    expect(await from('2001:db8:0:1::1')).toBe('"minute";r=2;t=60');
    expect(await from('2001:db8:0:ff::1')).toBe('"minute";r=1;t=60');
    expect(await from('2001:db8:0:100::1')).toBe('"minute";r=2;t=60');
    await app.close();
  });
});
