// Issue 8 item 15, end to end: with app.proxy, Koa hands the X-Forwarded-For entry over verbatim
// (ctx.ip); each form lands in the bucket of the client it belongs to.
import { fixedWindow } from '@sluice/core';
import Koa from 'koa';
import supertest from 'supertest';
import { rateLimit } from '../src/index.js';

function app() {
  const koa = new Koa();
  koa.proxy = true;
  koa.use(rateLimit({ policies: [fixedWindow({ name: 'minute', limit: 100, window: '1m' })] }));
  koa.use((ctx) => {
    ctx.body = { ip: ctx.ip };
  });
  const server = koa.callback();
  return async (forwardedFor: string) => (await supertest(server).get('/').set('X-Forwarded-For', forwardedFor)).headers['ratelimit'];
}

describe('Koa: client addresses per IANA special-purpose range', () => {
  it('every form that stands for 198.51.100.7 spends from its one bucket', async () => {
    const from = app();
    const forms = ['198.51.100.7', '198.51.100.7:51234', '[::ffff:198.51.100.7]:443', '64:ff9b::c633:6407', '2001:0:4136:e378:8000:63bf:39cc:9bf8'];
    const seen: unknown[] = [];
    for (const form of forms) seen.push(await from(form));
    expect(seen).toEqual(forms.map((_form, i) => `"minute";r=${99 - i};t=60`));
  });

  it('IPv6 clients are grouped by /64, link-local ones per link', async () => {
    const from = app();
    expect(await from('2001:db8:0:1::1')).toBe('"minute";r=99;t=60');
    expect(await from('2001:db8:0:1::2')).toBe('"minute";r=98;t=60');
    expect(await from('fe80::1%eth0')).toBe('"minute";r=99;t=60');
    expect(await from('fe80::1%eth1')).toBe('"minute";r=99;t=60');
  });
});
