import { ALGORITHMS, ErrorCodes, fixedWindow, InvalidOptionError } from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import { Redis } from 'ioredis';

// Construction-time validation needs no server: a lazy client never connects.
describe('RedisStore options', () => {
  const client = new Redis({ lazyConnect: true });
  afterAll(() => client.disconnect());

  function invalid(options: unknown): InvalidOptionError {
    try {
      new RedisStore(options as ConstructorParameters<typeof RedisStore>[0]);
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidOptionError);
      return error as InvalidOptionError;
    }
    throw new Error('expected an InvalidOptionError');
  }

  test('needs an options object with an ioredis client', () => {
    expect(invalid(undefined).option).toBe('RedisStore options');
    expect(invalid({}).option).toBe('client');
    expect(invalid({ client: { get() {} } }).option).toBe('client');
    expect(invalid({ client: 'redis://localhost' }).code).toBe(ErrorCodes.INVALID_OPTION);
  });

  test.each([
    ['the options object', (value: unknown) => value, 'RedisStore options'],
    ['client', (value: unknown) => ({ client: value }), 'client'],
    ['prefix', (value: unknown) => ({ client, prefix: value }), 'prefix'],
  ])('%s: null, NaN and wrong types get the typed error naming the option', (_, options, option) => {
    const bad: unknown[] = [null, NaN, 0, 42, true, '', [], () => {}, Symbol('x'), 10n, new Map(), Object.create({ client })];
    expect(bad.length).toBeGreaterThan(0);
    for (const value of bad) {
      const error = invalid(options(value));
      expect(error.code).toBe(ErrorCodes.INVALID_OPTION);
      expect(error.option).toBe(option);
      expect(error.message).toContain(`\`${option}\``);
    }
  });

  test('rejects unknown options by name', () => {
    const error = invalid({ client, url: 'redis://localhost' });
    expect(error.code).toBe(ErrorCodes.UNKNOWN_OPTION);
    expect(error.option).toBe('url');
  });

  test('prefix: a non-empty string without braces or whitespace', () => {
    for (const prefix of ['', 'a{b', 'a}b', 'has space', 42, 'x'.repeat(101)]) {
      expect(invalid({ client, prefix }).option).toBe('prefix');
    }
    expect(() => new RedisStore({ client, prefix: 'rate-limits' })).not.toThrow();
  });

  test("refuses a client whose own keyPrefix would break the Cluster hash tag", () => {
    const tagged = new Redis({ lazyConnect: true, keyPrefix: '{app}:' });
    try {
      expect(invalid({ client: tagged }).option).toBe('client.options.keyPrefix');
    } finally {
      tagged.disconnect();
    }
  });

  test('declares all five algorithms', () => {
    expect([...new RedisStore({ client }).algorithms].sort()).toEqual([...ALGORITHMS, 'penalty', 'concurrency'].sort());
  });

  test('bad requests reject with typed errors before anything is sent', async () => {
    const store = new RedisStore({ client });
    const policies = [fixedWindow({ limit: 1, window: '1s' })];
    const key = 'sluice:{a}';
    await expect(store.consume({ key, policies, cost: 0, mode: 'consume' })).rejects.toMatchObject({ option: 'cost' });
    await expect(store.consume({ key, policies, cost: 1.5, mode: 'consume' })).rejects.toMatchObject({ option: 'cost' });
    await expect(store.consume({ key, policies, cost: 1, mode: 'charge' as 'consume' })).rejects.toMatchObject({ option: 'mode' });
    await expect(store.consume({ key, policies, cost: 1, mode: 'peek', nowMs: NaN })).rejects.toMatchObject({ option: 'nowMs' });
    for (const notArray of [null, 'fw', 42, { 0: policies[0] }]) {
      await expect(store.consume({ key, policies: notArray as never, cost: 1, mode: 'peek' })).rejects.toMatchObject({ option: 'policies' });
      await expect(store.reset(key, notArray as never)).rejects.toMatchObject({ option: 'policies' });
    }
    const fake = { ...policies[0]! };
    await expect(store.consume({ key, policies: [fake], cost: 1, mode: 'peek' })).rejects.toMatchObject({ option: 'policies[0]' });
    await expect(store.consume({ key, policies: [policies[0]!, policies[0]!], cost: 1, mode: 'peek' })).rejects.toMatchObject({
      option: 'policies[1]',
    });
    for (const untagged of ['sluice:a', 'sluice:{}:a', 'sluice:}a{', '']) {
      await expect(store.consume({ key: untagged, policies, cost: 1, mode: 'peek' })).rejects.toMatchObject({ option: 'key' });
      await expect(store.reset(untagged, policies)).rejects.toMatchObject({ option: 'key' });
    }
    expect(client.status).toBe('wait');
  });
});
