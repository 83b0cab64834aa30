import { ErrorCodes, StoreError } from '../errors.js';

/** Throws StoreError ERR_SLUICE_STORE_CLOSED (`<storeName> is closed.`) once a store is closed. */
export function assertOpen(closed: boolean, storeName: string): void {
  if (closed) throw closedStoreError(storeName);
}

/** The error a closed store gives (for stores that reject rather than throw). */
export function closedStoreError(storeName: string): StoreError {
  return new StoreError(`${storeName} is closed.`, { code: ErrorCodes.STORE_CLOSED });
}
