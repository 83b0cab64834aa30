import { isThenable } from './http/thenable.js';

/** Code of the process warning that reports a hook whose own failure handler failed too. */
export const HOOK_FAILED = 'SLUICE_CALLBACK_THREW';

function lastResort(error: unknown): void {
  try {
    process.emitWarning(`Sluice: a hook and the handler of its failure both failed: ${String(error)}`, {
      type: 'SluiceWarning',
      code: HOOK_FAILED,
    });
  } catch {
    // Nothing is left to report to.
  }
}

function handOver(onFailure: (error: unknown) => unknown, error: unknown): void {
  let handled: unknown;
  try {
    handled = onFailure(error);
  } catch (failure) {
    lastResort(failure);
    return;
  }
  if (isThenable(handled)) handled.then(undefined, lastResort);
}

/**
 * Calls a user-supplied hook (`onError`, `onWarning`, `onCallbackError`, client event hooks) so
 * that nothing it does reaches the event loop: a synchronous throw, or a returned promise that
 * rejects, goes to `onFailure`; if `onFailure` throws or rejects as well, a process warning
 * (code SLUICE_CALLBACK_THREW) says so. Returns nothing and never throws.
 */
export function callSafely<A>(hook: (arg: A) => unknown, arg: A, onFailure: (error: unknown) => unknown): void {
  let result: unknown;
  try {
    result = hook(arg);
  } catch (error) {
    handOver(onFailure, error);
    return;
  }
  if (isThenable(result)) result.then(undefined, (error: unknown) => handOver(onFailure, error));
}
