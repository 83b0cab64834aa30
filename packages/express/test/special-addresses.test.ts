// Issue 8 item 15, end to end: Express hands a trusted X-Forwarded-For entry over verbatim
// (req.ip); each form lands in the bucket of the client it belongs to.
import { fixedWindow } from '@sluice/core';
import express from 'express';
import supertest from 'supertest';
import { rateLimit } from '../src/index.js';

function app() {
  const server = express();
  server.set('trust proxy', 'loopback');
  server.use(rateLimit({ policies: [fixedWindow({ name: 'minute', limit: 100, window: '1m' })] }));
  server.get('/', (req, res) => res.json({ ip: req.ip }));
  return async (forwardedFor: string) => (await supertest(server).get('/').set('X-Forwarded-For', forwardedFor)).headers['ratelimit'];
}

describe('Express: client addresses per IANA special-purpose range', () => {
  it('every form that stands for 198.51.100.7 spends from its one bucket', async () => {
    const from = app();
    const forms = ['198.51.100.7', '198.51.100.7:51234', '[::ffff:198.51.100.7]:443', '64:ff9b::c633:6407', '2002:c633:6407::1'];
    const seen: unknown[] = [];
    for (const form of forms) seen.push(await from(form));
    expect(seen).toEqual(forms.map((_form, i) => `"minute";r=${99 - i};t=60`));
  });

  it('text that is not an address is its own client, never reinterpreted', async () => {
    const from = app();
    expect(await from('10.0.0.1')).toBe('"minute";r=99;t=60');
    expect(await from('010.0.0.1')).toBe('"minute";r=99;t=60');
    expect(await from('8.0.0.1')).toBe('"minute";r=99;t=60');
    expect(await from('010.0.0.1')).toBe('"minute";r=98;t=60');
  });
});
