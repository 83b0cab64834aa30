import type { Segment, Traffic } from './types.js';

/**
 * Merges segments (each sorted by time) into one traffic, stable: at equal times a request of
 * an earlier segment comes first. Keys with the same name in two segments are one client.
 */
export function mergeSegments(segments: readonly Segment[], epochMs: number): Traffic {
  const keys: string[] = [];
  const keyIndex = new Map<string, number>();
  const remapped = segments.map((segment) => {
    const map = segment.keys.map((key) => {
      let id = keyIndex.get(key);
      if (id === undefined) keyIndex.set(key, (id = keys.push(key) - 1));
      return id;
    });
    const keyIds = new Uint32Array(segment.keyIds.length);
    for (let i = 0; i < keyIds.length; i++) keyIds[i] = map[segment.keyIds[i]!]!;
    return { timesUs: segment.timesUs, keyIds };
  });
  let merged: Run = remapped[0] ?? { timesUs: new Float64Array(0), keyIds: new Uint32Array(0) };
  for (let s = 1; s < remapped.length; s++) merged = mergeTwo(merged, remapped[s]!);
  const endUs = segments.reduce((end, segment) => Math.max(end, segment.endUs), 0);
  const lastUs = merged.timesUs.length > 0 ? merged.timesUs[merged.timesUs.length - 1]! : 0;
  return { timesUs: merged.timesUs, keyIds: merged.keyIds, keys, epochMs, durationUs: Math.max(endUs, lastUs) };
}

interface Run {
  timesUs: Float64Array;
  keyIds: Uint32Array;
}

function mergeTwo(a: Run, b: Run): Run {
  const n = a.timesUs.length + b.timesUs.length;
  const timesUs = new Float64Array(n);
  const keyIds = new Uint32Array(n);
  let i = 0;
  let j = 0;
  for (let k = 0; k < n; k++) {
    if (j >= b.timesUs.length || (i < a.timesUs.length && a.timesUs[i]! <= b.timesUs[j]!)) {
      timesUs[k] = a.timesUs[i]!;
      keyIds[k] = a.keyIds[i++]!;
    } else {
      timesUs[k] = b.timesUs[j]!;
      keyIds[k] = b.keyIds[j++]!;
    }
  }
  return { timesUs, keyIds };
}
