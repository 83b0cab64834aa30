// allowList / denyList with app.proxy: Koa hands the first X-Forwarded-For entry over verbatim as
// ctx.ip, so a client can send any text there; key entries must not match it, IP entries match it.
import { fixedWindow } from '@sluice/core';
import Koa from 'koa';
import supertest from 'supertest';
import { rateLimit } from '../src/index.js';

function app(options: Record<string, unknown>) {
  const koa = new Koa();
  koa.proxy = true; // without maxIpsCount: the client's own X-Forwarded-For entry is ctx.ip
  koa.use(rateLimit({ policies: [fixedWindow({ name: 'minute', limit: 100, window: '1m' })], ...options }));
  koa.use((ctx) => {
    ctx.body = { ip: ctx.ip };
  });
  const server = koa.callback();
  return async (forwardedFor: string, headers: Record<string, string> = {}) => {
    const reply = await supertest(server).get('/').set('X-Forwarded-For', forwardedFor).set(headers);
    return { status: reply.status, counted: reply.headers['ratelimit'] !== undefined };
  };
}

describe('Koa: allowList / denyList against the IP Koa resolved', () => {
  it('a forged X-Forwarded-For equal to a key entry is counted, not let through', async () => {
    const from = app({ allowList: ['health-checker'] });
    expect(await from('health-checker')).toEqual({ status: 200, counted: true });
    expect(await from('health-checker, 10.0.0.1')).toEqual({ status: 200, counted: true });
  });

  it('a key entry still matches the key function of a real client', async () => {
    const from = app({ allowList: ['health-checker'], key: (ctx: Koa.Context) => ctx.get('x-client') || ctx.ip });
    expect(await from('192.0.2.7', { 'x-client': 'health-checker' })).toEqual({ status: 200, counted: false });
    expect(await from('192.0.2.7', { 'x-client': 'someone' })).toEqual({ status: 200, counted: true });
  });

  it('IPv6 entries match 6to4, Teredo and NAT64 clients as seen; IPv4 entries their IPv4 client', async () => {
    const from = app({ denyList: ['2002:c000:201::/48', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '64:ff9b::/96'], allowList: ['198.51.100.0/24'] });
    expect((await from('2002:c000:201:5::1')).status).toBe(403);
    expect((await from('2001:0:4136:e378:8000:63bf:3fff:fdd2')).status).toBe(403);
    expect((await from('64:ff9b::203.0.113.9')).status).toBe(403);
    expect(await from('2002:c633:6407::1')).toEqual({ status: 200, counted: false }); // 6to4 of 198.51.100.7
    expect(await from('2001:db8::1')).toEqual({ status: 200, counted: true });
  });
});
