import { MODE_CODES } from '@sluice/core';

/** The store's name in its errors. */
export const STORE = 'RedisStore';

// Mode codes as the scripts read them (ARGV strings), prepared once.
export const CONSUME = String(MODE_CODES.consume);
export const PEEK = String(MODE_CODES.peek);
export const REFUND = String(MODE_CODES.refund);
