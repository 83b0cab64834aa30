import {
  ALGORITHM_CODES,
  ALGORITHMS,
  assertOpen,
  decodeResult,
  decodeResults,
  ErrorCodes,
  MODE_CODES,
  NEVER,
  RESULT_FIELDS,
  StoreError,
  toStoreError,
} from '@sluice/core/store';
import { fixedWindow, MemoryStore, tokenBucket } from '@sluice/core';

const window = fixedWindow({ limit: 10, window: '1m', name: 'w' });
const bucket = tokenBucket({ capacity: 5, refillPerSecond: 1, name: 'b' });

describe('store layer: wire codes', () => {
  test('every algorithm has a distinct integer code, and every mode', () => {
    const codes = ALGORITHMS.map((algorithm) => ALGORITHM_CODES[algorithm]);
    expect(codes).toHaveLength(5);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(Number.isInteger(code)).toBe(true);
    const modes = Object.values(MODE_CODES);
    expect(modes.sort()).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('store layer: decoding results', () => {
  test('decodes figures in policy order, rounding µs up to ms and NEVER to Infinity', () => {
    const results = decodeResults([1, 9, 59_999_001, 0, 0, 0, 0, 1_000_000, NEVER, 0], [window, bucket], 'TestStore');
    expect(results).toEqual([
      { policy: 'w', allowed: true, limit: 10, remaining: 9, resetAfterMs: 60_000, retryAfterMs: 0, delayMs: 0 },
      { policy: 'b', allowed: false, limit: 5, remaining: 0, resetAfterMs: 1_000, retryAfterMs: Infinity, delayMs: 0 },
    ]);
  });

  test('decodeResult reads at an offset (stores that reply in another order)', () => {
    expect(decodeResult(bucket, [7, 7, 1, 3, 2_500, 1_001, 0], 2)).toEqual({
      policy: 'b', allowed: true, limit: 5, remaining: 3, resetAfterMs: 3, retryAfterMs: 2, delayMs: 0,
    });
  });

  test.each([
    ['not an array', 'OK'],
    ['too short', [1, 2, 3, 4]],
    ['too long', [1, 2, 3, 4, 5, 6]],
    ['a non-number', [1, '2', 3, 4, 5]],
  ])('a malformed reply (%s) is a StoreError naming the store', (_, reply) => {
    expect(RESULT_FIELDS).toBe(5);
    let thrown: unknown;
    try {
      decodeResults(reply, [window], 'TestStore');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(StoreError);
    expect((thrown as StoreError).code).toBe(ErrorCodes.STORE);
    expect((thrown as StoreError).message).toMatch(/^TestStore: unexpected reply/);
  });
});

describe('store layer: lifecycle and errors', () => {
  test('assertOpen passes while open and throws ERR_SLUICE_STORE_CLOSED once closed', () => {
    expect(() => assertOpen(false, 'TestStore')).not.toThrow();
    expect(() => assertOpen(true, 'TestStore')).toThrow(
      expect.objectContaining({ code: ErrorCodes.STORE_CLOSED, message: 'TestStore is closed.' }),
    );
  });

  test('MemoryStore uses it', () => {
    const store = new MemoryStore();
    store.close();
    expect(() => store.consume({ key: 'p:{k}', policies: [window], cost: 1, mode: 'consume' })).toThrow(
      expect.objectContaining({ code: ErrorCodes.STORE_CLOSED, message: 'MemoryStore is closed.' }),
    );
  });

  test('toStoreError names the store, classifies with the hook and appends the hint', () => {
    const wrapping = {
      store: 'TestStore',
      configuration: (error: unknown) => /WRONGPASS/.test((error as Error).message),
      hint: (_: unknown, configuration: boolean) => (configuration ? ' (check the password)' : ''),
    };
    const setup = toStoreError(new Error('WRONGPASS bad'), wrapping);
    expect(setup).toBeInstanceOf(StoreError);
    expect(setup.message).toBe('TestStore: WRONGPASS bad (check the password)');
    expect(setup.configuration).toBe(true);
    const cause = new Error('ECONNRESET');
    const outage = toStoreError(cause, wrapping);
    expect(outage.message).toBe('TestStore: ECONNRESET');
    expect(outage.configuration).toBe(false);
    expect(outage.cause).toBe(cause);
    // A StoreError passes through; without wrapping the message keeps its old form.
    expect(toStoreError(setup, wrapping)).toBe(setup);
    expect(toStoreError('boom').message).toBe('Store failed: "boom"');
  });
});
