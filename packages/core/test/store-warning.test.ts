import {
  createLimiter,
  fixedWindow,
  MemoryStore,
  STORE_MISCONFIGURED,
  StoreError,
  UNPROVEN_FAILURE_LIMIT,
  type PolicyResult,
  type StoreRequest,
  type SluiceWarning,
} from '@sluice/core';

// Item 8 (core side): a store that can only be misconfigured says so once, loudly, instead of
// a quiet stream of fail-open decisions.

const policies = [fixedWindow({ limit: 100, window: '1m' })];

/** Answers like a MemoryStore until told to fail, then throws `failure()` on every call. */
class SwitchableStore extends MemoryStore {
  failure: (() => unknown) | undefined;
  calls = 0;
  override consume(request: StoreRequest): PolicyResult[] {
    this.calls++;
    if (this.failure !== undefined) throw this.failure();
    return super.consume(request);
  }
}

function setup(failure: (() => unknown) | undefined) {
  const store = new SwitchableStore();
  store.failure = failure;
  const warnings: (SluiceWarning & Error)[] = [];
  // No breaker: these cases count every call reaching the store.
  const limiter = createLimiter({ store, policies, onWarning: (w) => warnings.push(w as SluiceWarning & Error), breaker: false });
  return { store, warnings, limiter };
}

const refused = () => new Error('connect ECONNREFUSED 127.0.0.1:6390');

describe('store misconfigured warning', () => {
  test(`a store that fails each of its first ${UNPROVEN_FAILURE_LIMIT} calls warns once, naming the cause`, async () => {
    const { store, warnings, limiter } = setup(refused);
    for (let i = 1; i < UNPROVEN_FAILURE_LIMIT; i++) await limiter.consume('k');
    expect(warnings).toHaveLength(0);
    await limiter.consume('k');
    for (let i = 0; i < 20; i++) await limiter.consume('k');
    expect(store.calls).toBe(UNPROVEN_FAILURE_LIMIT + 20);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe(STORE_MISCONFIGURED);
    expect(warnings[0]!.message).toContain('ECONNREFUSED');
    expect(warnings[0]!.message).toContain('SwitchableStore');
    expect(warnings[0]).toBeInstanceOf(Error);
    expect(warnings[0]!.cause).toBeInstanceOf(StoreError);
  });

  test('a store failing with configuration: true warns at the first failure', async () => {
    const { warnings, limiter } = setup(
      () => new StoreError('PostgresStore: password authentication failed for user "app"', { configuration: true }),
    );
    const decision = await limiter.consume('k');
    expect(decision.decidedBy).toBe('failure-policy');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.code).toBe(STORE_MISCONFIGURED);
    expect(warnings[0]!.message).toContain('password authentication failed');
    await limiter.consume('k');
    expect(warnings).toHaveLength(1);
  });

  test('a store that answered once and then fails is an outage, not a misconfiguration: no warning', async () => {
    const { store, warnings, limiter } = setup(undefined);
    expect((await limiter.consume('k')).decidedBy).toBe('store');
    store.failure = refused;
    for (let i = 0; i < UNPROVEN_FAILURE_LIMIT * 4; i++) expect((await limiter.consume('k')).decidedBy).toBe('failure-policy');
    expect(store.calls).toBe(1 + UNPROVEN_FAILURE_LIMIT * 4);
    expect(warnings).toHaveLength(0);
  });

  test('limiters sharing a store (siblings) warn once between them', async () => {
    const { warnings, limiter } = setup(() => new StoreError('no such table', { configuration: true }));
    const sibling = limiter.withPolicies([fixedWindow({ limit: 1, window: '1s' })]);
    await limiter.consume('k');
    await sibling.consume('k');
    expect(warnings).toHaveLength(1);
  });

  test('a misconfigured fallback store is named as the fallback', async () => {
    const primary = new SwitchableStore();
    primary.failure = refused;
    const fallback = new SwitchableStore();
    fallback.failure = () => new StoreError('WRONGPASS invalid username-password pair', { configuration: true });
    const warnings: SluiceWarning[] = [];
    const limiter = createLimiter({ store: primary, policies, onStoreError: fallback, onWarning: (w) => warnings.push(w) });
    await limiter.consume('k');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.message).toContain('fallback store (onStoreError)');
    expect(warnings[0]!.message).toContain('WRONGPASS');
  });

  test('an async onWarning that rejects ends as a process warning, never an unhandled rejection', async () => {
    const store = new SwitchableStore();
    store.failure = () => new StoreError('bad credentials.', { configuration: true });
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const limiter = createLimiter({
        store,
        policies,
        onWarning: async () => {
          throw new Error('logger down');
        },
      });
      expect((await limiter.consume('k')).allowed).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
      expect(emitWarning).toHaveBeenCalledTimes(1);
      expect(emitWarning.mock.calls[0]![1]).toMatchObject({ code: STORE_MISCONFIGURED });
      // The cause's own full stop is not doubled where the sentence goes on.
      expect(String(emitWarning.mock.calls[0]![0])).not.toContain('..');
    } finally {
      emitWarning.mockRestore();
    }
  });

  test('a throwing onWarning does not break the decision', async () => {
    const store = new SwitchableStore();
    store.failure = () => new StoreError('bad credentials', { configuration: true });
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const limiter = createLimiter({
        store,
        policies,
        onWarning: () => {
          throw new Error('logger down');
        },
      });
      expect((await limiter.consume('k')).allowed).toBe(true);
      // The warning still reaches the process, not nowhere.
      expect(emitWarning).toHaveBeenCalledTimes(1);
      expect(emitWarning.mock.calls[0]![1]).toMatchObject({ code: STORE_MISCONFIGURED });
    } finally {
      emitWarning.mockRestore();
    }
  });
});
