import {
  createLimiter,
  ErrorCodes,
  fixedWindow,
  isSluiceError,
  leakyBucket,
  MemoryStore,
  slidingLog,
  slidingWindow,
  tokenBucket,
  type PolicyResult,
  type StoreRequest,
} from '@sluice/core';

// Item 11: constructor options and per-call options follow one rule set. Every bad input is a
// typed error naming the option; `null` is a bad value, never "absent".

const INVALID = ErrorCodes.INVALID_OPTION;
const UNKNOWN = ErrorCodes.UNKNOWN_OPTION;
const policies = [fixedWindow({ limit: 5, window: '1m' })];

/** A memory store that counts what reached it: a bad request must never get there. */
class CountingStore extends MemoryStore {
  requests = 0;
  override consume(request: StoreRequest): PolicyResult[] {
    this.requests++;
    return super.consume(request);
  }
}

const store = new CountingStore();
const limiter = createLimiter({ store, policies });

async function errorOf(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  return undefined;
}

type Row = [string, () => unknown, string, string];

const constructorRows: Row[] = [
  // Policies
  ['fixedWindow limit null', () => fixedWindow({ limit: null as never, window: '1m' }), INVALID, 'limit'],
  ['fixedWindow limit NaN', () => fixedWindow({ limit: NaN, window: '1m' }), INVALID, 'limit'],
  ['fixedWindow limit Infinity', () => fixedWindow({ limit: Infinity, window: '1m' }), INVALID, 'limit'],
  ['fixedWindow limit "5"', () => fixedWindow({ limit: '5' as never, window: '1m' }), INVALID, 'limit'],
  ['fixedWindow window null', () => fixedWindow({ limit: 5, window: null as never }), INVALID, 'window'],
  ['fixedWindow window NaN', () => fixedWindow({ limit: 5, window: NaN }), INVALID, 'window'],
  ['fixedWindow window Infinity', () => fixedWindow({ limit: 5, window: Infinity }), INVALID, 'window'],
  ['fixedWindow name null', () => fixedWindow({ limit: 5, window: '1m', name: null as never }), INVALID, 'name'],
  ['fixedWindow name 5', () => fixedWindow({ limit: 5, window: '1m', name: 5 as never }), INVALID, 'name'],
  ['fixedWindow options null', () => fixedWindow(null as never), INVALID, 'fixedWindow'],
  ['fixedWindow unknown option', () => fixedWindow({ limit: 5, window: '1m', limt: 5 } as never), UNKNOWN, 'limt'],
  ['slidingWindow limit 0', () => slidingWindow({ limit: 0, window: '1m' }), INVALID, 'limit'],
  ['slidingLog window "1 week"', () => slidingLog({ limit: 5, window: '1 week' as never }), INVALID, 'window'],
  ['tokenBucket capacity null', () => tokenBucket({ capacity: null as never, refillPerSecond: 1 }), INVALID, 'capacity'],
  ['tokenBucket capacity Infinity', () => tokenBucket({ capacity: Infinity, refillPerSecond: 1 }), INVALID, 'capacity'],
  ['tokenBucket refill NaN', () => tokenBucket({ capacity: 5, refillPerSecond: NaN }), INVALID, 'refillPerSecond'],
  ['tokenBucket refill Infinity', () => tokenBucket({ capacity: 5, refillPerSecond: Infinity }), INVALID, 'refillPerSecond'],
  ['tokenBucket refill null', () => tokenBucket({ capacity: 5, refillPerSecond: null as never }), INVALID, 'refillPerSecond'],
  ['tokenBucket refill "5"', () => tokenBucket({ capacity: 5, refillPerSecond: '5' as never }), INVALID, 'refillPerSecond'],
  ['leakyBucket leak 0', () => leakyBucket({ capacity: 5, leakPerSecond: 0 }), INVALID, 'leakPerSecond'],
  ['leakyBucket unknown option', () => leakyBucket({ capacity: 5, leakPerSecond: 1, refillPerSecond: 1 } as never), UNKNOWN, 'refillPerSecond'],
  // Limiter
  ['createLimiter options null', () => createLimiter(null as never), INVALID, 'createLimiter options'],
  ['createLimiter policies null', () => createLimiter({ policies: null as never }), INVALID, 'policies'],
  ['createLimiter a forged policy', () => createLimiter({ policies: [{ ...policies[0]! }] }), INVALID, 'policies[0]'],
  ['createLimiter timeoutMs null', () => createLimiter({ policies, timeoutMs: null as never }), INVALID, 'timeoutMs'],
  ['createLimiter timeoutMs NaN', () => createLimiter({ policies, timeoutMs: NaN }), INVALID, 'timeoutMs'],
  ['createLimiter timeoutMs Infinity', () => createLimiter({ policies, timeoutMs: Infinity }), INVALID, 'timeoutMs'],
  ['createLimiter timeoutMs "100"', () => createLimiter({ policies, timeoutMs: '100' as never }), INVALID, 'timeoutMs'],
  ['createLimiter timeoutMs above a timer', () => createLimiter({ policies, timeoutMs: 2 ** 31 }), INVALID, 'timeoutMs'],
  ['createLimiter onStoreError null', () => createLimiter({ policies, onStoreError: null as never }), INVALID, 'onStoreError'],
  ['createLimiter store null', () => createLimiter({ policies, store: null as never }), INVALID, 'store'],
  ['createLimiter prefix null', () => createLimiter({ policies, prefix: null as never }), INVALID, 'prefix'],
  ['createLimiter prefix 5', () => createLimiter({ policies, prefix: 5 as never }), INVALID, 'prefix'],
  ['createLimiter onError "log"', () => createLimiter({ policies, onError: 'log' as never }), INVALID, 'onError'],
  ['createLimiter onError null', () => createLimiter({ policies, onError: null as never }), INVALID, 'onError'],
  ['createLimiter onWarning null', () => createLimiter({ policies, onWarning: null as never }), INVALID, 'onWarning'],
  ['createLimiter unknown option', () => createLimiter({ policies, fallback: 'allow' } as never), UNKNOWN, 'fallback'],
  // MemoryStore
  ['MemoryStore options null', () => new MemoryStore(null as never), INVALID, 'MemoryStore options'],
  ['MemoryStore maxKeys null', () => new MemoryStore({ maxKeys: null as never }), INVALID, 'maxKeys'],
  ['MemoryStore maxKeys NaN', () => new MemoryStore({ maxKeys: NaN }), INVALID, 'maxKeys'],
  ['MemoryStore maxKeys Infinity', () => new MemoryStore({ maxKeys: Infinity }), INVALID, 'maxKeys'],
  ['MemoryStore sweepIntervalMs null', () => new MemoryStore({ sweepIntervalMs: null as never }), INVALID, 'sweepIntervalMs'],
  ['MemoryStore sweepIntervalMs above a timer', () => new MemoryStore({ sweepIntervalMs: 2 ** 31 }), INVALID, 'sweepIntervalMs'],
  ['MemoryStore sweepBatch "10"', () => new MemoryStore({ sweepBatch: '10' as never }), INVALID, 'sweepBatch'],
  ['MemoryStore unknown option', () => new MemoryStore({ max: 5 } as never), UNKNOWN, 'max'],
];

const prefixRows: Row[] = ['', 'a b', 'a%b', 'a{b', 'a}b', 'é', 'tab\there', 'nul\0', 'x'.repeat(101)].map((prefix) => [
  `createLimiter prefix ${JSON.stringify(prefix)}`,
  () => createLimiter({ policies, prefix }),
  INVALID,
  'prefix',
]);

const callRows: Row[] = [
  ['consume costs: 5 (a typo)', () => limiter.consume('k', { costs: 5 } as never), UNKNOWN, 'costs'],
  ['consume cost null', () => limiter.consume('k', { cost: null as never }), INVALID, 'cost'],
  ['consume cost NaN', () => limiter.consume('k', { cost: NaN }), INVALID, 'cost'],
  ['consume cost "2"', () => limiter.consume('k', { cost: '2' as never }), INVALID, 'cost'],
  ['consume cost Infinity', () => limiter.consume('k', { cost: Infinity }), INVALID, 'cost'],
  ['consume nowMs NaN', () => limiter.consume('k', { nowMs: NaN }), INVALID, 'nowMs'],
  ['consume nowMs Infinity', () => limiter.consume('k', { nowMs: Infinity }), INVALID, 'nowMs'],
  ['consume nowMs null', () => limiter.consume('k', { nowMs: null as never }), INVALID, 'nowMs'],
  ['consume nowMs -1', () => limiter.consume('k', { nowMs: -1 }), INVALID, 'nowMs'],
  ['consume nowMs "0"', () => limiter.consume('k', { nowMs: '0' as never }), INVALID, 'nowMs'],
  ['consume options 5', () => limiter.consume('k', 5 as never), INVALID, 'options'],
  ['consume options null', () => limiter.consume('k', null as never), INVALID, 'options'],
  ['consume key null', () => limiter.consume(null as never), INVALID, 'key'],
  ['consume key 42', () => limiter.consume(42 as never), INVALID, 'key'],
  ['peek unknown option', () => limiter.peek('k', { mode: 'consume' } as never), UNKNOWN, 'mode'],
  ['refund cost 0', () => limiter.refund('k', { cost: 0 }), INVALID, 'cost'],
  ['reset key ""', () => limiter.reset(''), INVALID, 'key'],
  ['decide mode "take"', () => limiter.decide('k', 1, 'take' as never), INVALID, 'mode'],
  ['decide cost 1.5', () => limiter.decide('k', 1.5, 'consume'), INVALID, 'cost'],
  ['decide nowMs NaN', () => limiter.decide('k', 1, 'consume', NaN), INVALID, 'nowMs'],
  ['acquire unknown option', () => limiter.acquire('k', { maxWait: 5 } as never), UNKNOWN, 'maxWait'],
  ['acquire maxWaitMs -1', () => limiter.acquire('k', { maxWaitMs: -1 }), INVALID, 'maxWaitMs'],
  ['acquire maxWaitMs NaN', () => limiter.acquire('k', { maxWaitMs: NaN }), INVALID, 'maxWaitMs'],
  ['acquire maxWaitMs null', () => limiter.acquire('k', { maxWaitMs: null as never }), INVALID, 'maxWaitMs'],
  ['acquire signal {}', () => limiter.acquire('k', { signal: {} as never }), INVALID, 'signal'],
  ['acquire cost null', () => limiter.acquire('k', { cost: null as never }), INVALID, 'cost'],
];

describe('bad input is a typed error naming the option', () => {
  test.each([...constructorRows, ...prefixRows, ...callRows])('%s', async (_title, run, code, option) => {
    const error = await errorOf(run);
    expect(isSluiceError(error)).toBe(true);
    expect(error).toMatchObject({ code, option });
  });

  test('no bad per-call input reached the store', async () => {
    for (const [, run] of callRows) await errorOf(run);
    expect(callRows.length).toBeGreaterThan(0);
    expect(store.requests).toBe(0);
  });

  test.each(['api', 'api:v1', 'tenant-7_x.y', '!#$&()*+,-./:;<=>?@[]^`|~', 'x'.repeat(100)])('prefix %p is accepted', async (prefix) => {
    const ok = createLimiter({ policies, prefix });
    expect(ok.prefix).toBe(prefix);
    expect((await ok.consume('k')).allowed).toBe(true);
  });

  test('explicit undefined still means "absent" (the default)', async () => {
    const ok = createLimiter({ policies, timeoutMs: undefined, onStoreError: undefined, prefix: undefined });
    expect(ok.options).toMatchObject({ timeoutMs: 500, onStoreError: 'allow', prefix: 'sluice' });
    expect((await ok.consume('k', { cost: undefined, nowMs: undefined })).allowed).toBe(true);
  });
});
