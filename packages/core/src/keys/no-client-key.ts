import { ErrorCodes, SluiceError } from '../errors.js';

/**
 * Thrown (and handed to the framework's error handling) when a request has no client key,
 * e.g. its socket closed before the limiter ran. Never answered from a shared '' bucket.
 */
export function noClientKeyError(reason: string): SluiceError {
  return new SluiceError(ErrorCodes.NO_CLIENT_KEY, `No client key for this request: ${reason}.`);
}
