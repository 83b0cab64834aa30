import {
  baseKey,
  createLimiter,
  ErrorCodes,
  InvalidOptionError,
  fixedWindow,
  leakyBucket,
  slidingLog,
  slidingWindow,
  tokenBucket,
  type Policy,
} from '@sluice/core';
import { microsSinceEpoch } from '../src/sql/clock';
import { useMigratedStore } from './harness/migrated-store';

const t = useMigratedStore(10);

async function rowCount(prefix: string): Promise<number> {
  const result = await t.pool.query(`SELECT count(*)::int AS n FROM ${t.store.names.qualifiedTable} WHERE key LIKE $1`, [prefix + '%']);
  return result.rows[0].n as number;
}

const EVERY_ALGORITHM: Policy[] = [
  fixedWindow({ limit: 3, window: '1h' }),
  slidingWindow({ limit: 3, window: '1h' }),
  slidingLog({ limit: 3, window: '1h' }),
  tokenBucket({ capacity: 3, refillPerSecond: 0.001 }),
  leakyBucket({ capacity: 3, leakPerSecond: 0.001 }),
];

test('the clock expression converts timestamps to microseconds exactly, before 1970 too', async () => {
  const cases: [string, string][] = [
    ['2024-01-01 00:00:00.123456+00', '1704067200123456'],
    ['2024-01-01 00:00:00.999999+00', '1704067200999999'],
    ['1970-01-01 00:00:00+00', '0'],
    ['1969-12-31 23:59:59.5+00', '-500000'],
    ['2255-06-05 23:47:34.740991+00', '9007199254740991'],
  ];
  for (const [timestamp, micros] of cases) {
    const result = await t.pool.query(`SELECT ${microsSinceEpoch('$1::timestamptz')}::text AS us`, [timestamp]);
    expect([timestamp, result.rows[0].us]).toEqual([timestamp, micros]);
  }
});

test.each(EVERY_ALGORITHM.map((policy) => [policy.algorithm, policy] as const))(
  '%s on the database clock: limit admitted, then denied with a retry in the future',
  async (_, policy) => {
    const limiter = createLimiter({ store: t.store, policies: [policy], prefix: 'dbclock' });
    const key = `${policy.algorithm}-${Date.now()}`;
    for (let i = 0; i < 3; i++) expect((await limiter.consume(key)).allowed).toBe(true);
    const denied = await limiter.consume(key);
    expect(denied.allowed).toBe(false);
    expect(denied.degraded).toBeUndefined();
    expect(denied.retryAfterMs).toBeGreaterThan(0);
    const refunded = await limiter.refund(key);
    expect(refunded.remaining).toBe(1);
  },
);

test('a peek, a denied consume and a refund on a new key leave no row behind', async () => {
  const key = baseKey('norow', 'a');
  await t.store.consume({ key, policies: EVERY_ALGORITHM, cost: 1, mode: 'peek' });
  await t.store.consume({ key, policies: EVERY_ALGORITHM, cost: 4, mode: 'consume' });
  await t.store.consume({ key, policies: EVERY_ALGORITHM, cost: 1, mode: 'refund' });
  expect(await rowCount('norow:')).toBe(0);
  await t.store.consume({ key, policies: EVERY_ALGORITHM, cost: 1, mode: 'consume' });
  expect(await rowCount('norow:')).toBe(5);
});

test('a denial by one policy on a new key leaves no row for the policies that allowed', async () => {
  const key = baseKey('partial', 'a');
  const policies = [fixedWindow({ limit: 10, window: '1h' }), slidingLog({ limit: 1, window: '1h' })];
  const [wide, narrow] = await t.store.consume({ key, policies, cost: 2, mode: 'consume' });
  expect(wide!.allowed).toBe(true);
  expect(narrow!.allowed).toBe(false);
  expect(await rowCount('partial:')).toBe(0);
});

test('keys are bound parameters: quotes, backslashes, braces and non-ASCII are just keys', async () => {
  const limiter = createLimiter({ store: t.store, policies: [fixedWindow({ limit: 1, window: '1h' })], prefix: 'odd' });
  const keys = [`o'brien`, 'say "hi"', 'back\\slash', '{braces}', 'ключ', "'); DROP TABLE x; --", '%7B'];
  for (const key of keys) expect((await limiter.consume(key)).allowed).toBe(true);
  for (const key of keys) expect((await limiter.consume(key)).allowed).toBe(false);
  expect(await rowCount('odd:')).toBe(keys.length);
});

test('parallel first requests with the policies in either order neither deadlock nor over-admit', async () => {
  const a = fixedWindow({ limit: 30, window: '1h' });
  const b = tokenBucket({ capacity: 40, refillPerSecond: 0.001 });
  const key = baseKey('order', 'a');
  const forward = [a, b];
  const backward = [b, a];
  const calls = Array.from({ length: 120 }, (_, i) =>
    t.store.consume({ key, policies: i % 2 === 0 ? forward : backward, cost: 1, mode: 'consume', nowMs: 5_000 }),
  );
  const results = await Promise.all(calls);
  expect(results.filter((r) => r.every((x) => x.allowed)).length).toBe(30);
});

test('a cost far above every limit is denied with an infinite retry, and refunds of it are safe', async () => {
  const key = baseKey('huge', 'a');
  const results = await t.store.consume({ key, policies: EVERY_ALGORITHM, cost: 2 ** 60, mode: 'consume', nowMs: 1_000 });
  expect(results.map((r) => [r.allowed, r.retryAfterMs])).toEqual(EVERY_ALGORITHM.map(() => [false, Infinity]));
  await t.store.consume({ key, policies: EVERY_ALGORITHM, cost: 1, mode: 'consume', nowMs: 1_000 });
  const refunded = await t.store.consume({ key, policies: EVERY_ALGORITHM, cost: 2 ** 60, mode: 'refund', nowMs: 1_000 });
  expect(refunded.map((r) => r.remaining)).toEqual([3, 3, 3, 3, 3]);
});

test('reset forgets every policy of the key and nothing else', async () => {
  const limiter = createLimiter({ store: t.store, policies: EVERY_ALGORITHM, prefix: 'reset' });
  await limiter.consume('a');
  await limiter.consume('b');
  await limiter.reset('a');
  expect(await rowCount('reset:{a}')).toBe(0);
  expect(await rowCount('reset:{b}')).toBe(5);
});

describe('base keys PostgreSQL cannot hold are refused with a typed error, never stored merged or failed open', () => {
  const policies = [fixedWindow({ limit: 1, window: '1h' })];
  const refusal = (key: string) =>
    t.store.consume({ key, policies, cost: 1, mode: 'consume' }).then(
      () => undefined,
      (error: unknown) => error,
    );

  test.each([
    ['NUL', 'guard:{a\u0000b}'],
    ['a lone high surrogate', 'guard:{\uD800}'],
    ['a lone low surrogate', 'guard:{\uDC00x}'],
    ['a reversed pair', 'guard:{\uDC00\uD800}'],
    ['2,401 bytes of UTF-8', 'guard:{' + 'é'.repeat(1197) + '}'],
  ])('%s', async (_, key) => {
    const error = await refusal(key);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ option: 'key', code: ErrorCodes.INVALID_OPTION });
    await expect(t.store.reset(key, policies)).rejects.toBeInstanceOf(InvalidOptionError);
  });

  test('while surrogate pairs, U+FFFD and keys of exactly 2,400 bytes are distinct, working keys', async () => {
    const atBound = 'guard:{' + 'é'.repeat(1196) + '}';
    expect(Buffer.byteLength(atBound)).toBe(2_400);
    const keys = ['guard:{🚦}', 'guard:{\uFFFD}', 'guard:{\uFFFD\uFFFD}', atBound];
    for (const key of keys) expect((await t.store.consume({ key, policies, cost: 1, mode: 'consume' }))[0]!.allowed).toBe(true);
    for (const key of keys) expect((await t.store.consume({ key, policies, cost: 1, mode: 'consume' }))[0]!.allowed).toBe(false);
  });
});

test('an unknown mode is refused with the same typed error as on the other stores, before any query', async () => {
  const request = { key: baseKey('mode', 'a'), policies: EVERY_ALGORITHM, cost: 1, mode: 'charge' as never };
  await expect(t.store.consume(request)).rejects.toMatchObject({ option: 'mode', code: ErrorCodes.INVALID_OPTION });
  expect(await rowCount('mode:')).toBe(0);
});
