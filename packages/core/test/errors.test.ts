import {
  ErrorCodes,
  InvalidOptionError,
  isSluiceError,
  SluiceError,
  StoreError,
  StoreTimeoutError,
  toStoreError,
} from '@sluice/core';

describe('Sluice errors', () => {
  test('StoreError.configuration defaults to false and is set by the constructor option', () => {
    const cause = new Error('password authentication failed');
    expect(new StoreError('down').configuration).toBe(false);
    const setup = new StoreError('bad password', { cause, configuration: true });
    expect(setup).toMatchObject({ configuration: true, code: ErrorCodes.STORE, cause });
    expect(new StoreTimeoutError(10).configuration).toBe(false);
  });

  test('isSluiceError matches Sluice errors, optionally by code, and nothing else', () => {
    const invalid = new InvalidOptionError('cost', 0, 'an integer');
    expect(isSluiceError(invalid)).toBe(true);
    expect(isSluiceError(invalid, ErrorCodes.INVALID_OPTION)).toBe(true);
    expect(isSluiceError(invalid, ErrorCodes.STORE)).toBe(false);
    // Same code, not a Sluice error: the brand is what counts here.
    expect(isSluiceError(Object.assign(new Error('x'), { code: ErrorCodes.INVALID_OPTION }))).toBe(false);
    expect(isSluiceError('ERR_SLUICE_STORE')).toBe(false);
    expect(isSluiceError(null)).toBe(false);
  });

  test('instanceof follows the class hierarchy', () => {
    const timeout = new StoreTimeoutError(10);
    expect(timeout).toBeInstanceOf(StoreTimeoutError);
    expect(timeout).toBeInstanceOf(StoreError);
    expect(timeout).toBeInstanceOf(SluiceError);
    expect(timeout).toBeInstanceOf(Error);
    expect(new StoreError('x')).not.toBeInstanceOf(StoreTimeoutError);
    expect(new InvalidOptionError('a', 1, 'b')).not.toBeInstanceOf(StoreError);
  });

  test("a subclass of your own keeps the ordinary instanceof (the brand names Sluice's classes only)", () => {
    class PoolError extends StoreError {}
    expect(new PoolError('x')).toBeInstanceOf(PoolError);
    expect(new PoolError('x')).toBeInstanceOf(StoreError);
    expect(new StoreError('x')).not.toBeInstanceOf(PoolError);
  });

  test('toStoreError keeps a StoreError and wraps anything else with the cause', () => {
    const error = new StoreError('x');
    expect(toStoreError(error)).toBe(error);
    const wrapped = toStoreError('weird');
    expect(wrapped).toMatchObject({ code: ErrorCodes.STORE, cause: 'weird', configuration: false });
  });
});
