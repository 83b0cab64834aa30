/**
 * Storage keys: `<prefix>:{<clientKey>}:<policyId>`. The braces are a Redis Cluster hash
 * tag, so every policy of one client lands in one slot. A client key holding `{`, `}` or
 * `%` is percent-encoded so the tag cannot be broken or collide.
 */
export function encodeClientKey(clientKey: string): string {
  if (clientKey.indexOf('{') === -1 && clientKey.indexOf('}') === -1 && clientKey.indexOf('%') === -1) {
    return clientKey;
  }
  return clientKey.replace(/%/g, '%25').replace(/\{/g, '%7B').replace(/\}/g, '%7D');
}

/** The base key a store receives; stores append `:<policy.id>`. */
export function baseKey(prefix: string, clientKey: string): string {
  return prefix + ':{' + encodeClientKey(clientKey) + '}';
}

export function policyKey(base: string, policyId: string): string {
  return base + ':' + policyId;
}
