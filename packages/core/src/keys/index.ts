// Client key functions (client IP, IPv6 subnets, API keys, users); see docs/client-keys.md.
export { parseIpv4, isIpv6, canonicalIpv6, ipv6Network } from './ipv6.js';
export { clientIpKey, apartFromNamedKeys, LOOPBACK_CLIENT_KEY, NOT_AN_ADDRESS_PREFIX } from './client-address.js';
export { DEFAULT_IPV6_SUBNET, assertIpv6Subnet } from './ipv6-subnet-option.js';
export { noClientKeyError } from './no-client-key.js';
export { createClientIpKey, type ClientIpKeyOptions } from './client-ip-key.js';
export {
  createKeyBuilders,
  type KeyBuilders,
  type KeyScopeOptions,
  type IpKeyOptions,
  type FallbackKeyOptions,
} from './key-builders.js';
export type { RequestAccess, KeyFunction } from './request-access.js';
export { emitProcessWarning, UNTRUSTED_FORWARDED_FOR, type SluiceWarning, type WarningHandler } from './warnings.js';
export { normalizeRoutePath, type RouteMatching } from './route-path.js';
