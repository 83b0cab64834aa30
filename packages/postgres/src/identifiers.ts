import { InvalidOptionError } from '@sluice/core';

/**
 * Schema and table names are always quoted, and restricted to plain identifiers so quoting
 * is trivially safe and derived names (`<table>_decide`, ...) stay within Postgres's 63 bytes.
 */
const IDENTIFIER_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

export function assertIdentifier(value: unknown, option: string): string {
  if (typeof value !== 'string' || !IDENTIFIER_PATTERN.test(value)) {
    throw new InvalidOptionError(option, value, 'an identifier of letters, digits and "_" (1 to 48, not starting with a digit)');
  }
  return value;
}

/** Double-quotes an identifier already checked by `assertIdentifier`. */
export function quoteIdentifier(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
