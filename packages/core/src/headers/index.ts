// Header writers (pure functions); see docs/headers.md.
export { HeaderNames, HEADERS_FORMATS, type HeadersFormat } from './names.js';
export { ceilSeconds, retryAfterSeconds, resetSeconds, type ResetInput } from './seconds.js';
export { windowSeconds } from './window-seconds.js';
export { sfString } from './sf-string.js';
export {
  draft10PolicyValue,
  draft10RateLimitValue,
  quotedPolicyNames,
  type PolicyDescription,
  type PolicyQuotaState,
} from './draft-10.js';
export { draft7PolicyValue, draft7RateLimitValue } from './draft-7.js';
export { draft6PolicyValue } from './draft-6.js';
export { legacyResetEpochSeconds, legacyResetValue } from './legacy.js';
export { RateLimitMemberCache } from './member-cache.js';
