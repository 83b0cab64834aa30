import { baseKey, ErrorCodes, fixedWindow, MemoryStore, tokenBucket, type Policy } from '@sluice/core';

const T = 1_700_006_400_000;
const minute: Policy[] = [fixedWindow({ limit: 5, window: '1m' })];

function hit(store: MemoryStore, client: string, nowMs: number, policies = minute) {
  return store.consume({ key: baseKey('t', client), policies, cost: 1, mode: 'consume', nowMs })[0]!;
}

describe('MemoryStore', () => {
  test('never holds more than maxKeys states, evicting expired ones first', () => {
    const store = new MemoryStore({ maxKeys: 3 });
    hit(store, 'old', T);
    hit(store, 'a', T + 30_000);
    hit(store, 'b', T + 30_000);
    hit(store, 'a', T + 30_000);
    // 'old' expired at T+60s; at T+61s it is the one to go, not the live 'a' or 'b'.
    hit(store, 'c', T + 61_000);
    expect(store.size).toBe(3);
    expect(hit(store, 'a', T + 61_000).remaining).toBe(2);
    expect(hit(store, 'b', T + 61_000).remaining).toBe(3);
  });

  test('when nothing has expired, the oldest state is evicted and the bound holds', () => {
    const store = new MemoryStore({ maxKeys: 100 });
    for (let i = 0; i < 1_000; i++) hit(store, `client-${i}`, T);
    expect(store.size).toBe(100);
    expect(hit(store, 'client-999', T).remaining).toBe(3);
    expect(hit(store, 'client-0', T).remaining).toBe(4);
  });

  test('holds 1,000,000 keys within its bound with a single sweep timer', () => {
    const intervals = jest.spyOn(global, 'setInterval');
    const timeouts = jest.spyOn(global, 'setTimeout');
    const store = new MemoryStore({ maxKeys: 1_000_000 });
    const request = { key: '', policies: minute, cost: 1, mode: 'consume' as const, nowMs: T };
    for (let i = 0; i < 1_000_000; i++) {
      request.key = 'sluice:{' + i + '}';
      store.consume(request);
    }
    expect(store.size).toBe(1_000_000);
    for (let i = 0; i < 1_000; i++) {
      request.key = 'sluice:{extra-' + i + '}';
      store.consume(request);
    }
    expect(store.size).toBe(1_000_000);
    expect(intervals).toHaveBeenCalledTimes(1);
    expect(timeouts).not.toHaveBeenCalled();
    intervals.mockRestore();
    timeouts.mockRestore();
    store.close();
  });

  test('sweep removes expired states lazily, in batches', () => {
    const store = new MemoryStore();
    for (let i = 0; i < 10; i++) hit(store, `c${i}`, T);
    hit(store, 'late', T + 59_000);
    expect(store.size).toBe(11);
    hit(store, 'late', T + 61_000);
    expect(store.sweep(4)).toBeGreaterThan(0);
    store.sweep();
    expect(store.size).toBe(1);
    store.close();
  });

  test('a stale state reads as no state', () => {
    const store = new MemoryStore();
    for (let i = 0; i < 5; i++) hit(store, 'k', T);
    expect(hit(store, 'k', T).allowed).toBe(false);
    expect(hit(store, 'k', T + 60_000).remaining).toBe(4);
    store.close();
  });

  test('a decision without nowMs runs on the monotonic clock', () => {
    const store = new MemoryStore();
    const policies = [tokenBucket({ capacity: 2, refillPerSecond: 0.001 })];
    const request = { key: baseKey('t', 'k'), policies, cost: 1, mode: 'consume' as const };
    expect(store.consume(request)[0]!.remaining).toBe(1);
    expect(store.consume(request)[0]!.remaining).toBe(0);
    expect(store.consume(request)[0]!.allowed).toBe(false);
    store.close();
  });

  test('a closed store refuses decisions with a StoreError', () => {
    const store = new MemoryStore();
    store.close();
    expect(() => hit(store, 'k', T)).toThrow(expect.objectContaining({ code: ErrorCodes.STORE_CLOSED }));
  });

  test('options are validated', () => {
    expect(() => new MemoryStore({ maxKeys: 0 })).toThrow(expect.objectContaining({ option: 'maxKeys' }));
    expect(() => new MemoryStore({ maxKey: 5 } as never)).toThrow(expect.objectContaining({ code: ErrorCodes.UNKNOWN_OPTION }));
  });
});
