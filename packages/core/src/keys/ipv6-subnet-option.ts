import { InvalidOptionError } from '../errors.js';

/** IPv6 clients are grouped by this prefix length unless told otherwise: one /64 is one site. */
export const DEFAULT_IPV6_SUBNET = 64;

/** `ipv6Subnet`: an integer prefix length from 1 to 128, or false to key each IPv6 address alone. */
export function assertIpv6Subnet(value: unknown, option = 'ipv6Subnet'): number | false {
  if (value === undefined) return DEFAULT_IPV6_SUBNET;
  if (value === false) return false;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 128) {
    throw new InvalidOptionError(option, value, 'an integer prefix length from 1 to 128, or false');
  }
  return value;
}
