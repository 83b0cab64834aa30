// Reads the rate-limit fields servers send, newest first:
//   draft-ietf-httpapi-ratelimit-headers-10 (RateLimit + RateLimit-Policy, SF Lists, one member per policy),
//   draft-07 (RateLimit as an SF Dictionary: limit, remaining, reset),
//   draft-06 (RateLimit-Limit / -Remaining / -Reset as SF Integers),
//   and the de-facto X-RateLimit-Limit / -Remaining / -Reset.
// Structured fields are parsed by `structured-headers` (RFC 9651). As the drafts say, a field
// that does not parse is ignored, and so is a list member missing a required parameter.
import { parseDictionary, parseItem, parseList, Token, type BareItem, type Item, type InnerList, type Parameters } from 'structured-headers';
import { headerValue, type HeadersLike } from './header-value.js';

/**
 * Which fields a response carried: 'draft-10' (draft-ietf-httpapi-ratelimit-headers-10:
 * RateLimit + RateLimit-Policy lists), 'draft-7' (RateLimit as a dictionary), 'draft-6'
 * (RateLimit-Limit/-Remaining/-Reset) or 'x-ratelimit' (X-RateLimit-*).
 */
export type RateLimitFormat = 'draft-10' | 'draft-7' | 'draft-6' | 'x-ratelimit';

/** What the server said about one policy. Times are milliseconds from when the response was read. */
export interface RateLimitPolicyInfo {
  /** The policy's name (draft-10), or '' where the format has none. */
  name: string;
  /** Quota units left (`r`, `remaining`). */
  remaining: number;
  /** Until more quota is available (`t`, `reset`), in ms; undefined when not sent. */
  resetMs?: number;
  /** The quota (`q`, `limit`) in quota units, when known. */
  quota?: number;
  /** The policy window (`w`) in ms, when known. */
  windowMs?: number;
  /** Quota unit (`qu`, draft-10): 'requests' unless the server says otherwise. */
  quotaUnit?: string;
  /** Partition key (`pk`, draft-10), base64, when sent. */
  partitionKey?: string;
}

/** What parseRateLimit read from a response. */
export interface RateLimitInfo {
  /** The format found (the newest present and well formed wins). */
  format: RateLimitFormat;
  /** One per policy the server reported, in its order (never empty). */
  policies: RateLimitPolicyInfo[];
}

/**
 * Parses whichever rate-limit fields a response carries (see the formats above); undefined
 * when none is present and well formed.
 *
 * X-RateLimit-Reset is read as: above 10^12, epoch milliseconds; above 10^9 (2001-09-09 as
 * epoch seconds, ~31.7 years as a delay), epoch seconds; otherwise delay-seconds. Those are
 * the three conventions in use (GitHub and Twitter send epoch seconds, others a delay).
 * `nowMs` (default Date.now()) turns epoch values into delays.
 */
export function parseRateLimit(headers: HeadersLike, nowMs: number = Date.now()): RateLimitInfo | undefined {
  const rateLimit = headerValue(headers, 'ratelimit');
  const policyField = headerValue(headers, 'ratelimit-policy');
  if (rateLimit !== undefined) {
    const draft10 = parseDraft10(rateLimit, policyField);
    if (draft10 !== undefined) return { format: 'draft-10', policies: draft10 };
    const draft7 = parseDraft7(rateLimit, policyField);
    if (draft7 !== undefined) return { format: 'draft-7', policies: [draft7] };
  }
  const draft6 = parseDraft6(headers, policyField);
  if (draft6 !== undefined) return { format: 'draft-6', policies: [draft6] };
  const legacy = parseLegacy(headers, nowMs);
  if (legacy !== undefined) return { format: 'x-ratelimit', policies: [legacy] };
  return undefined;
}

function tryParse<T>(parse: (value: string) => T, value: string): T | undefined {
  try {
    return parse(value);
  } catch {
    return undefined;
  }
}

function nonNegativeInteger(value: BareItem | undefined): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

function positiveInteger(value: BareItem | undefined): number | undefined {
  const n = nonNegativeInteger(value);
  return n === undefined || n === 0 ? undefined : n;
}

/** The policy identifier: draft-10 asks for an sf-string; earlier revisions used a token. */
function identifier(member: Item | InnerList): string | undefined {
  const value = member[0];
  if (typeof value === 'string') return value;
  if (value instanceof Token) return value.toString();
  return undefined;
}

function base64(value: BareItem | undefined): string | undefined {
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString('base64');
  return undefined;
}

function partitionOf(params: Parameters): string {
  return base64(params.get('pk')) ?? '';
}

interface QuotaPolicy {
  quota: number;
  windowMs?: number;
  quotaUnit?: string;
}

function parsePolicyList(field: string | undefined): Map<string, QuotaPolicy> {
  const byName = new Map<string, QuotaPolicy>();
  const list = field === undefined ? undefined : tryParse(parseList, field);
  if (list === undefined) return byName;
  for (const member of list) {
    const name = identifier(member);
    const params = member[1];
    const quota = nonNegativeInteger(params.get('q'));
    if (name === undefined || quota === undefined) continue;
    const window = positiveInteger(params.get('w'));
    const unit = params.get('qu');
    byName.set(name + '\0' + partitionOf(params), {
      quota,
      ...(window === undefined ? {} : { windowMs: window * 1000 }),
      ...(typeof unit === 'string' ? { quotaUnit: unit } : unit instanceof Token ? { quotaUnit: unit.toString() } : {}),
    });
  }
  return byName;
}

function parseDraft10(field: string, policyField: string | undefined): RateLimitPolicyInfo[] | undefined {
  const list = tryParse(parseList, field);
  if (list === undefined) return undefined;
  const quotas = parsePolicyList(policyField);
  const policies: RateLimitPolicyInfo[] = [];
  for (const member of list) {
    const name = identifier(member);
    const params = member[1];
    const remaining = nonNegativeInteger(params.get('r'));
    if (name === undefined || remaining === undefined) continue;
    const reset = nonNegativeInteger(params.get('t'));
    const partitionKey = base64(params.get('pk'));
    const quota = quotas.get(name + '\0' + (partitionKey ?? ''));
    policies.push({
      name,
      remaining,
      ...(reset === undefined ? {} : { resetMs: reset * 1000 }),
      ...(quota === undefined ? {} : quota),
      ...(partitionKey === undefined ? {} : { partitionKey }),
    });
  }
  return policies.length === 0 ? undefined : policies;
}

/** draft-07's RateLimit-Policy (and draft-06's): `100;w=60, 1000;w=3600`; the first member's figures. */
function legacyPolicy(field: string | undefined): { windowMs?: number } {
  const list = field === undefined ? undefined : tryParse(parseList, field);
  const first = list?.[0];
  const window = first === undefined ? undefined : positiveInteger(first[1].get('w'));
  return window === undefined ? {} : { windowMs: window * 1000 };
}

function parseDraft7(field: string, policyField: string | undefined): RateLimitPolicyInfo | undefined {
  const dict = tryParse(parseDictionary, field);
  if (dict === undefined) return undefined;
  const member = (key: string): number | undefined => {
    const entry = dict.get(key);
    return entry === undefined || Array.isArray(entry[0]) ? undefined : nonNegativeInteger(entry[0] as BareItem);
  };
  const remaining = member('remaining');
  if (remaining === undefined) return undefined;
  const reset = member('reset');
  return unnamedPolicy(remaining, reset === undefined ? undefined : reset * 1000, member('limit'), legacyPolicy(policyField));
}

/** One unnamed policy (draft-7, draft-6, X-RateLimit-*) with the figures that were sent. */
function unnamedPolicy(remaining: number, resetMs: number | undefined, quota: number | undefined, window: { windowMs?: number } = {}): RateLimitPolicyInfo {
  return { name: '', remaining, ...(resetMs === undefined ? {} : { resetMs }), ...(quota === undefined ? {} : { quota }), ...window };
}

/** `<prefix>Remaining`, `<prefix>Limit`, `<prefix>Reset` as separate fields, each read by `read`. */
function separateFields(
  headers: HeadersLike,
  prefix: string,
  read: (headers: HeadersLike, name: string) => number | undefined,
): { remaining: number; quota: number | undefined; reset: number | undefined } | undefined {
  const remaining = read(headers, prefix + 'remaining');
  if (remaining === undefined) return undefined;
  return { remaining, quota: read(headers, prefix + 'limit'), reset: read(headers, prefix + 'reset') };
}

function integerField(headers: HeadersLike, name: string): number | undefined {
  const value = headerValue(headers, name);
  if (value === undefined) return undefined;
  // RateLimit-Limit in draft-03..05 may be a list (`10, 10;w=1`): its first member is the limit.
  const item = tryParse(parseItem, value) ?? tryParse(parseList, value)?.[0];
  return item === undefined || Array.isArray(item[0]) ? undefined : nonNegativeInteger(item[0] as BareItem);
}

function parseDraft6(headers: HeadersLike, policyField: string | undefined): RateLimitPolicyInfo | undefined {
  const fields = separateFields(headers, 'ratelimit-', integerField);
  if (fields === undefined) return undefined;
  return unnamedPolicy(fields.remaining, fields.reset === undefined ? undefined : fields.reset * 1000, fields.quota, legacyPolicy(policyField));
}

const DIGITS = /^\d+$/;

function plainInteger(headers: HeadersLike, name: string): number | undefined {
  const value = headerValue(headers, name)?.trim();
  if (value === undefined || !DIGITS.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

const EPOCH_MS_ABOVE = 1e12;
const EPOCH_SECONDS_ABOVE = 1e9;

/** X-RateLimit-Reset to a delay in ms: see parseRateLimit for the heuristic. */
export function legacyResetMs(value: number, nowMs: number): number {
  if (value > EPOCH_MS_ABOVE) return Math.max(0, value - nowMs);
  if (value > EPOCH_SECONDS_ABOVE) return Math.max(0, value * 1000 - nowMs);
  return value * 1000;
}

function parseLegacy(headers: HeadersLike, nowMs: number): RateLimitPolicyInfo | undefined {
  const fields = separateFields(headers, 'x-ratelimit-', plainInteger);
  if (fields === undefined) return undefined;
  return unnamedPolicy(fields.remaining, fields.reset === undefined ? undefined : legacyResetMs(fields.reset, nowMs), fields.quota);
}
