import { InvalidOptionError } from '../errors.js';
import {
  assertKnownKeys,
  assertNonEmptyString,
  assertPlainObject,
  assertPositiveInteger,
  assertPositiveNumber,
} from '../validate.js';
import { parseShadow } from './window-options.js';
import { POLICY_NAME_PATTERN, registerPolicy, type BucketAlgorithm, type BucketPolicy } from './policy.js';

/** capacity × interval must stay below 2^52 µs so bucket arithmetic is exact. */
const MAX_SPAN_US = 2 ** 52;
export const MAX_RATE_PER_SECOND = 1_000_000;

export interface ParsedBucketOptions {
  capacity: number;
  ratePerSecond: number;
  intervalUs: number;
  name: string | undefined;
  shadow: boolean;
}

/** 1e6 / rate as whole microseconds: exact when it is (within float noise), else rounded up. */
export function intervalMicros(ratePerSecond: number): number {
  const exact = 1_000_000 / ratePerSecond;
  const nearest = Math.round(exact);
  return Math.abs(exact - nearest) <= 1e-9 * exact ? nearest : Math.ceil(exact);
}

export function parseBucketOptions(options: unknown, constructorName: string, rateKey: string): ParsedBucketOptions {
  assertPlainObject(options, constructorName);
  assertKnownKeys(options, new Set(['capacity', rateKey, 'name', 'shadow']), '');
  const capacity = assertPositiveInteger(options.capacity, 'capacity');
  const ratePerSecond = assertPositiveNumber(options[rateKey], rateKey, MAX_RATE_PER_SECOND);
  const intervalUs = intervalMicros(ratePerSecond);
  if (capacity * intervalUs > MAX_SPAN_US) {
    throw new InvalidOptionError('capacity', capacity, `at most ${Math.floor(MAX_SPAN_US / intervalUs)} at this rate`);
  }
  const name =
    options.name === undefined
      ? undefined
      : assertNonEmptyString(options.name, 'name', POLICY_NAME_PATTERN, 'letters, digits, "_", "." or "-" (1 to 64)');
  return { capacity, ratePerSecond, intervalUs, name, shadow: parseShadow(options.shadow) };
}

/** Validates a bucket's options and builds the (frozen, registered) policy. */
export function bucketPolicy(
  algorithm: BucketAlgorithm,
  idPrefix: string,
  options: unknown,
  constructorName: string,
  rateKey: string,
): BucketPolicy {
  const { capacity, ratePerSecond, intervalUs, name, shadow } = parseBucketOptions(options, constructorName, rateKey);
  const id = `${idPrefix}-${capacity}-${intervalUs}`;
  const windowMs = Math.ceil((capacity * intervalUs) / 1000);
  return registerPolicy({ algorithm, id, name: name ?? id, limit: capacity, windowMs, capacity, ratePerSecond, intervalUs }, shadow);
}
