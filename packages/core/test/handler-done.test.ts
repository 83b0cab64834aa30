// The handler-done primitives (http/handler-done.ts) and the load-shedding slot's grace period
// (shedding/held-slot.ts), on stand-in responses and fake timers: deterministic.
import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import { ABANDONED_GRACE_FACTOR, abandonedGraceMs, createAdaptiveLimiter, type HandlerWatch, HeldSlot, UNMEASURED_LATENCY_MS, watchResponse, watchSettled } from '@sluice/core';

type FakeResponse = ServerResponse & { closed: boolean; writableEnded: boolean; statusCode: number };

function response(): { raw: FakeResponse; ends: unknown[][] } {
  const ends: unknown[][] = [];
  const raw = Object.assign(new EventEmitter(), { closed: false, destroyed: false, writableEnded: false, statusCode: 200 }) as unknown as FakeResponse;
  (raw as { end: unknown }).end = function end(this: FakeResponse, ...args: unknown[]) {
    ends.push(args);
    this.writableEnded = true;
    return this;
  };
  return { raw, ends };
}

function recorder(): HandlerWatch & { events: string[] } {
  const events: string[] = [];
  return { events, responseClosed: () => events.push('closed'), handlerDone: () => events.push('done') };
}

describe('watchResponse (Express, Fastify)', () => {
  test('a response the app ended is done at its close', () => {
    const { raw } = response();
    const watch = recorder();
    watchResponse(raw, watch);
    raw.end('ok');
    expect(watch.events).toEqual([]);
    raw.closed = true;
    raw.emit('close');
    expect(watch.events).toEqual(['done']);
  });

  test('a response that closes before the app ended it (the client left) is done at the later end(), which still runs', () => {
    const { raw, ends } = response();
    const watch = recorder();
    watchResponse(raw, watch);
    raw.closed = true;
    raw.emit('close');
    expect(watch.events).toEqual(['closed']);
    expect(raw.end('late', 'utf8')).toBe(raw);
    expect(ends).toEqual([['late', 'utf8']]);
    expect(watch.events).toEqual(['closed', 'done']);
    raw.end(); // a second end() tells no one again
    expect(watch.events).toEqual(['closed', 'done']);
  });

  test('a response already closed when the watch starts: done if ended, else waits for end()', () => {
    const ended = response();
    ended.raw.writableEnded = true;
    ended.raw.closed = true;
    const a = recorder();
    watchResponse(ended.raw, a);
    expect(a.events).toEqual(['done']);

    const open = response();
    open.raw.closed = true;
    const b = recorder();
    watchResponse(open.raw, b);
    expect(b.events).toEqual(['closed']);
    open.raw.end();
    expect(b.events).toEqual(['closed', 'done']);
  });
});

describe('watchSettled (Koa)', () => {
  test("done once next()'s promise settled and the response closed, whichever comes last", async () => {
    const { raw } = response();
    const watch = recorder();
    let finish: () => void = () => {};
    watchSettled(raw, new Promise<void>((resolve) => (finish = resolve)), watch);
    raw.closed = true;
    raw.emit('close');
    expect(watch.events).toEqual(['closed']);
    finish();
    await Promise.resolve();
    await Promise.resolve();
    expect(watch.events).toEqual(['closed', 'done']);
  });

  test('a rejected next() counts as done; a settled one waits for the close', async () => {
    const { raw } = response();
    const watch = recorder();
    const failed = Promise.reject(new Error('downstream threw'));
    failed.catch(() => {});
    watchSettled(raw, failed, watch);
    await new Promise((resolve) => setImmediate(resolve));
    expect(watch.events).toEqual([]);
    raw.closed = true;
    raw.emit('close');
    expect(watch.events).toEqual(['done']);
  });
});

describe('HeldSlot (a load-shedding slot)', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  test('the grace period is 4x the baseline RTT, 1 s before there is one', () => {
    expect(ABANDONED_GRACE_FACTOR * UNMEASURED_LATENCY_MS).toBe(1000);
    expect(abandonedGraceMs(createAdaptiveLimiter())).toBe(1000);
  });

  test('held past the client leaving until the handler is done, then a sample; given up as a drop after the grace period', () => {
    jest.useFakeTimers();
    let now = 0;
    const limiter = createAdaptiveLimiter({ minLimit: 1, initialLimit: 1, maxLimit: 1, criticalReserve: 0, sheddableReserve: 0, clock: () => now });
    const { raw } = response();
    const permit = limiter.tryAcquire('normal')!;
    const release = jest.spyOn(permit, 'release');
    const slot = new HeldSlot(permit, raw, limiter, (status) => status === 503);
    slot.responseClosed();
    jest.advanceTimersByTime(999);
    expect(limiter.inFlight).toBe(1);
    now = 1000;
    jest.advanceTimersByTime(1);
    expect(limiter.inFlight).toBe(0);
    expect(release).toHaveBeenCalledWith('dropped');
    slot.handlerDone(); // later: nothing more to free
    expect(limiter.inFlight).toBe(0);

    const second = limiter.tryAcquire('normal')!;
    const secondRelease = jest.spyOn(second, 'release');
    raw.statusCode = 503;
    const other = new HeldSlot(second, raw, limiter, (status) => status === 503);
    other.responseClosed();
    other.handlerDone();
    expect(secondRelease).toHaveBeenCalledWith('dropped');
    expect(jest.getTimerCount()).toBe(0);
    raw.statusCode = 200;
    const third = limiter.tryAcquire('normal')!;
    const thirdRelease = jest.spyOn(third, 'release');
    new HeldSlot(third, raw, limiter, (status) => status === 503).handlerDone();
    expect(thirdRelease).toHaveBeenCalledWith('success');
  });
});
