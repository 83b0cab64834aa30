import { baseKey, createLimiter, ErrorCodes, fixedWindow, isSluiceError, slidingLog, StoreError, type SluiceWarning } from '@sluice/core';
import { RedisStore } from '@sluice/redis';
import { Redis, type RedisOptions } from 'ioredis';
import { startRedisProcess, type RedisProcess } from './harness/redis-process';

const policies = [fixedWindow({ limit: 5, window: '1m' })];
const PASSWORD = 'configuration-test';

/**
 * Redis replies that only a setup mistake explains become StoreErrors with
 * `configuration: true`, so the limiter warns once instead of failing open in silence.
 * A server of its own: the test changes its ACL users and its default password.
 */
describe('RedisStore: setup mistakes are configuration errors', () => {
  let server: RedisProcess;
  let admin: Redis;
  const clients: Redis[] = [];

  function client(options: RedisOptions): Redis {
    const made = new Redis({ host: '127.0.0.1', port: server.port, maxRetriesPerRequest: 1, ...options });
    made.on('error', () => {}); // the failures are the point; keep them out of the test output
    clients.push(made);
    return made;
  }

  async function failure(options: RedisOptions): Promise<StoreError> {
    const store = new RedisStore({ client: client(options) });
    const error = await store.consume({ key: baseKey('api', 'config'), policies, cost: 1, mode: 'consume' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isSluiceError(error, ErrorCodes.STORE)).toBe(true);
    return error as StoreError;
  }

  beforeAll(async () => {
    server = await startRedisProcess();
    admin = new Redis({ host: '127.0.0.1', port: server.port });
    const user = (name: string, ...rules: string[]) => admin.acl('SETUSER', name, 'reset', 'on', `>${PASSWORD}`, ...rules);
    await user('no-scripts', '~*', '+@all', '-evalsha', '-eval');
    await user('no-time', '~*', '+@all', '-time');
    await user('other-keys', '~elsewhere:*', '+@all');
    await user('allowed', '~*', '+@all');
  }, 30_000);

  afterAll(async () => {
    for (const made of clients) made.disconnect();
    admin?.disconnect();
    await server?.stop();
  });

  test.each([
    ['a user without EVALSHA/EVAL', { username: 'no-scripts', password: PASSWORD }, /NOPERM/],
    ['a user denied a command the script runs (TIME)', { username: 'no-time', password: PASSWORD }, /can't run this command|NOPERM/],
    ['a user whose key pattern excludes the limiter keys', { username: 'other-keys', password: PASSWORD }, /NOPERM/],
    ['a wrong password', { username: 'allowed', password: 'wrong' }, /WRONGPASS/],
  ])('%s', async (_, options, reply) => {
    const error = await failure(options);
    expect(error.configuration).toBe(true);
    expect(error.message).toMatch(reply);
    expect(error.cause).toBeInstanceOf(Error);
  });

  test('the limiter warns once, naming the cause, and the failure policy still answers', async () => {
    const warnings: (Error & SluiceWarning)[] = [];
    const limiter = createLimiter({
      store: new RedisStore({ client: client({ username: 'no-scripts', password: PASSWORD }) }),
      policies,
      onStoreError: 'deny',
      onWarning: (warning) => warnings.push(warning as Error & SluiceWarning),
    });
    for (let i = 0; i < 3; i++) {
      expect(await limiter.consume('user')).toMatchObject({ allowed: false, decidedBy: 'failure-policy', degraded: 'store-error' });
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe('SLUICE_STORE_MISCONFIGURED');
    expect(warnings[0]!.message).toMatch(/NOPERM/);
  });

  test('a failure a working setup can meet (WRONGTYPE on one key) is not a configuration error', async () => {
    const store = new RedisStore({ client: client({ username: 'allowed', password: PASSWORD }) });
    const key = baseKey('api', 'wrong-type');
    const log = slidingLog({ limit: 3, window: '1m' });
    await admin.set(`${key}:${log.id}`, 'not a list');
    const error = (await store.consume({ key, policies: [log], cost: 1, mode: 'consume' }).catch((e: unknown) => e)) as StoreError;
    expect(isSluiceError(error, ErrorCodes.STORE)).toBe(true);
    expect(error.message).toMatch(/WRONGTYPE/);
    expect(error.configuration).toBe(false);
  });

  // Last: it turns on the default user's password for the whole server.
  test('a server that requires a password the client does not send (NOAUTH)', async () => {
    await admin.config('SET', 'requirepass', PASSWORD);
    const error = await failure({});
    expect(error.configuration).toBe(true);
    expect(error.message).toMatch(/NOAUTH/);
  });
});
