import { policyResult, StoreError, type Policy, type PolicyResult } from '@sluice/core';
import { REPLY_FIELDS } from './lua/script.js';

/** The script's `-1` retry means "never": the cost exceeds the limit. */
const NEVER = -1;

/** Turns the script's flat integer reply into PolicyResults, rounded exactly as core rounds them. */
export function parseReply(reply: unknown, policies: readonly Policy[]): PolicyResult[] {
  const count = policies.length;
  if (!Array.isArray(reply) || reply.length !== count * REPLY_FIELDS) {
    throw new StoreError(`RedisStore: unexpected script reply ${JSON.stringify(reply)}.`);
  }
  const results: PolicyResult[] = new Array(count);
  for (let i = 0, at = 0; i < count; i++, at += REPLY_FIELDS) {
    const retryAfterUs = reply[at + 3] as number;
    results[i] = policyResult(
      policies[i]!,
      reply[at] === 1,
      reply[at + 1] as number,
      reply[at + 2] as number,
      retryAfterUs === NEVER ? Infinity : retryAfterUs,
      reply[at + 4] as number,
    );
  }
  return results;
}
