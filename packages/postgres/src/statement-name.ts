/**
 * A prepared statement's name, unique per SQL text (pg refuses one name for two texts, and
 * two stores with different tables may share a pool), within Postgres's 63-byte limit.
 */
export function statementName(text: string): string {
  // FNV-1a, 32 bits, twice with different seeds: a collision-safe enough 16-hex-digit tag.
  return 'sluice_' + fnv(text, 0x811c9dc5) + fnv(text, 0x01000193);
}

function fnv(text: string, seed: number): string {
  let hash = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}
