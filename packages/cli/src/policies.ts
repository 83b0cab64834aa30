import { ErrorCodes, fixedWindow, leakyBucket, type Policy, slidingLog, slidingWindow, tokenBucket } from '@sluice/core';
import { UsageError, messageOf } from './errors.js';
import { assertKnownParams, type CallSpec, parseCall } from './spec.js';

/** A policy to simulate and how the user wrote it (the row label in the table and chart). */
export interface PolicySpec {
  /** The core policy, validated by its constructor. */
  readonly policy: Policy;
  /** The policy as the user wrote it, e.g. `fixedWindow(limit=10,window=1s)`. */
  readonly label: string;
}

type Build = (options: Record<string, unknown>) => Policy;

// Parameters as core's constructors name them; numbers pass as numbers, `window` as written.
const CONSTRUCTORS: Record<string, { build: Build; params: readonly string[] }> = {
  fixedWindow: { build: (o) => fixedWindow(o as never), params: ['limit', 'window', 'name'] },
  slidingWindow: { build: (o) => slidingWindow(o as never), params: ['limit', 'window', 'name'] },
  slidingLog: { build: (o) => slidingLog(o as never), params: ['limit', 'window', 'name'] },
  tokenBucket: { build: (o) => tokenBucket(o as never), params: ['capacity', 'refillPerSecond', 'name'] },
  leakyBucket: { build: (o) => leakyBucket(o as never), params: ['capacity', 'leakPerSecond', 'name'] },
};

/** Names accepted by `--policy`. */
export const POLICY_NAMES = Object.keys(CONSTRUCTORS);

function optionsOf(spec: CallSpec): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const [key, text] of spec.params) {
    // A bare number is a number (a window in ms too); anything else is passed as text for core to judge.
    options[key] = key !== 'name' && /^-?\d+(?:\.\d+)?(?:e[-+]?\d+)?$/i.test(text) ? Number(text) : text;
  }
  return options;
}

/**
 * Core names the value it got; a number read from the text may print differently from what the
 * user typed (`9007199254740993` reads as 9007199254740992), so the message echoes the text.
 */
function echoUserText(message: string, error: unknown, spec: CallSpec): string {
  const { option, value } = (error ?? {}) as { option?: unknown; value?: unknown };
  const written = typeof option === 'string' ? spec.params.get(option) : undefined;
  if (written === undefined || typeof value !== 'number' || String(value) === written) return message;
  return message.replace(`got ${String(value)}.`, `got ${written}.`);
}

/**
 * Parses one `--policy` value, e.g. `fixedWindow(limit=10,window=1s)` or
 * `tokenBucket(capacity=20,refillPerSecond=5)`, and builds it with `@sluice/core`'s
 * constructor, which validates it. Throws UsageError naming `--policy` (with core's reason).
 */
export function parsePolicy(text: string, flag = '--policy'): PolicySpec {
  const spec = parseCall(text, flag);
  const entry = CONSTRUCTORS[spec.name];
  if (entry === undefined) {
    throw new UsageError(flag, `unknown policy ${JSON.stringify(spec.name)} (expected one of: ${POLICY_NAMES.join(', ')})`, ErrorCodes.UNKNOWN_ALGORITHM);
  }
  assertKnownParams(spec, entry.params, flag);
  let policy: Policy;
  try {
    policy = entry.build(optionsOf(spec));
  } catch (error) {
    throw new UsageError(flag, `${text.trim()}: ${echoUserText(messageOf(error), error, spec)}`, ErrorCodes.INVALID_OPTION, { cause: error });
  }
  return { policy, label: text.replace(/\s+/g, '') };
}
