import { baseKey, fixedWindow, MemoryStore, type Policy } from '@sluice/core';

// At maxKeys the MemoryStore evicts the oldest created state through one cursor that persists
// across evictions (memory-table.ts): these hold it to creation order under deletes, re-created
// keys and a table that empties, against a plain list as the model. A fixed clock: nothing expires.
const T = 1_700_006_400_000;
const policies: Policy[] = [fixedWindow({ limit: 5, window: '1h' })];

function request(store: MemoryStore, client: string, mode: 'consume' | 'peek' | 'refund') {
  return store.consume({ key: baseKey('t', client), policies, cost: 1, mode, nowMs: T })[0]!;
}
const held = (store: MemoryStore, client: string) => request(store, client, 'peek').remaining === 4;

describe('MemoryStore eviction order', () => {
  test('a reset key created again is evicted after the keys created before it', () => {
    const store = new MemoryStore({ maxKeys: 4 });
    for (const k of ['a', 'b', 'c', 'd']) request(store, k, 'consume');
    store.reset(baseKey('t', 'b'), policies);
    request(store, 'b', 'consume'); // room after the reset: nothing evicted
    expect(['a', 'b', 'c', 'd'].map((k) => held(store, k))).toEqual([true, true, true, true]);
    request(store, 'e', 'consume'); // evicts a
    request(store, 'f', 'consume'); // evicts c, not the re-created b
    expect(['a', 'c', 'b', 'd', 'e', 'f'].map((k) => held(store, k))).toEqual([false, false, true, true, true, true]);
    request(store, 'g', 'consume'); // evicts d
    request(store, 'h', 'consume'); // evicts b
    expect(['d', 'b', 'e', 'f', 'g', 'h'].map((k) => held(store, k))).toEqual([false, false, true, true, true, true]);
    expect(store.size).toBe(4);
    store.close();
  });

  test('evicts in creation order again after the table emptied under the cursor', () => {
    const store = new MemoryStore({ maxKeys: 2 });
    for (const k of ['a', 'b', 'c', 'd']) request(store, k, 'consume'); // c and d evict a and b
    store.reset(baseKey('t', 'c'), policies);
    store.reset(baseKey('t', 'd'), policies);
    expect(store.size).toBe(0);
    for (const k of ['x', 'y', 'z']) request(store, k, 'consume'); // z evicts x
    expect(['x', 'y', 'z'].map((k) => held(store, k))).toEqual([false, true, true]);
    store.close();
  });

  test('5,000 random creations, resets and hits keep exactly the newest-created keys', () => {
    const maxKeys = 50;
    const store = new MemoryStore({ maxKeys });
    const live: string[] = []; // the model: live keys, oldest created first
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    let created = 0;
    let evictions = 0;
    for (let op = 0; op < 5_000; op++) {
      const roll = random(10);
      if (roll < 6 || live.length === 0) {
        const key = 'k' + created++;
        if (live.length === maxKeys) {
          live.shift();
          evictions++;
        }
        live.push(key);
        request(store, key, 'consume');
      } else if (roll < 9) {
        const [key] = live.splice(random(live.length), 1);
        store.reset(baseKey('t', key!), policies);
      } else {
        // A hit on a live key refreshes nothing: creation order stands.
        const key = live[random(live.length)]!;
        request(store, key, 'consume');
        request(store, key, 'refund');
      }
    }
    expect(evictions).toBeGreaterThan(100);
    expect(live.length).toBeGreaterThan(0);
    expect(store.size).toBe(live.length);
    for (const key of live) expect(held(store, key)).toBe(true);
    store.close();
  });
});
