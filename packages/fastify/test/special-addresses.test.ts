// Issue 8 item 15, end to end: the address forms Fastify hands over (its socket, or a trusted
// X-Forwarded-For entry, passed on verbatim) land in the bucket of the client they belong to.
import { fixedWindow } from '@sluice/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { rateLimit } from '../src/index.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function appWith(trustProxy: boolean) {
  const app = Fastify({ trustProxy });
  apps.push(app);
  await app.register(rateLimit, { policies: [fixedWindow({ name: 'minute', limit: 100, window: '1m' })] });
  app.get('/', async () => ({}));
  await app.ready();
  return async (remoteAddress: string, forwardedFor?: string) => {
    const headers = forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor };
    return (await app.inject({ method: 'GET', url: '/', remoteAddress, headers })).headers['ratelimit'];
  };
}

describe('Fastify: client addresses per IANA special-purpose range', () => {
  it('socket addresses that stand for one IPv4 client share its bucket', async () => {
    const from = await appWith(false);
    const forms = ['198.51.100.7', '::ffff:198.51.100.7', '64:ff9b::198.51.100.7', '2002:c633:6407:1::9', '2001:0:4136:e378:8000:63bf:39cc:9bf8'];
    const seen: unknown[] = [];
    for (const address of forms) seen.push(await from(address));
    expect(seen).toEqual(['"minute";r=99;t=60', '"minute";r=98;t=60', '"minute";r=97;t=60', '"minute";r=96;t=60', '"minute";r=95;t=60']);
  });

  it('::1 and 127.0.0.2 are the local host; link-local peers on two links are two networks', async () => {
    const from = await appWith(false);
    expect(await from('127.0.0.1')).toBe('"minute";r=99;t=60');
    expect(await from('::1')).toBe('"minute";r=98;t=60');
    expect(await from('127.0.0.2')).toBe('"minute";r=97;t=60');
    expect(await from('fe80::1%eth0')).toBe('"minute";r=99;t=60');
    expect(await from('fe80::2%eth0')).toBe('"minute";r=98;t=60');
    expect(await from('fe80::1%eth1')).toBe('"minute";r=99;t=60');
  });

  it('a trusted X-Forwarded-For entry with a port or brackets is the address without them', async () => {
    const from = await appWith(true);
    expect(await from('127.0.0.1', '203.0.113.9:51234')).toBe('"minute";r=99;t=60');
    expect(await from('127.0.0.1', '203.0.113.9:40000')).toBe('"minute";r=98;t=60');
    expect(await from('127.0.0.1', '[2001:db8::1]:443')).toBe('"minute";r=99;t=60');
    expect(await from('127.0.0.1', '2001:db8::2')).toBe('"minute";r=98;t=60');
    // Not addresses: each its own client, never read as 10.0.0.1 or 8.0.0.1.
    expect(await from('127.0.0.1', '010.0.0.1')).toBe('"minute";r=99;t=60');
    expect(await from('127.0.0.1', '10.0.0.1')).toBe('"minute";r=99;t=60');
  });
});
