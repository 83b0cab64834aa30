/** A one-time configuration warning (the request is still served). */
export interface SluiceWarning {
  code: string;
  message: string;
}

export type WarningHandler = (warning: SluiceWarning) => void;

/** Default: a Node process warning, shown once on stderr and visible to `process.on('warning')`. */
export const emitProcessWarning: WarningHandler = (warning) => {
  process.emitWarning(warning.message, { type: 'SluiceWarning', code: warning.code });
};

export const UNTRUSTED_FORWARDED_FOR = 'SLUICE_UNTRUSTED_FORWARDED_FOR';
