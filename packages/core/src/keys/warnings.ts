/** A one-time configuration warning (the request is still served). */
export interface SluiceWarning {
  /** A stable code, e.g. SLUICE_UNTRUSTED_FORWARDED_FOR: match on it, not on the message. */
  code: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** Receives one-time configuration warnings (`onWarning` options). Default process.emitWarning. */
export type WarningHandler = (warning: SluiceWarning) => void;

/** Default: a Node process warning, shown once on stderr and visible to `process.on('warning')`. */
export const emitProcessWarning: WarningHandler = (warning) => {
  process.emitWarning(warning.message, { type: 'SluiceWarning', code: warning.code });
};

/**
 * Warning code: a request carried X-Forwarded-For but the key used the socket's address,
 * because the framework does not trust the proxy (every client behind it shares one key).
 */
export const UNTRUSTED_FORWARDED_FOR = 'SLUICE_UNTRUSTED_FORWARDED_FOR';
