/** Code of the process warning that reports a hook whose own failure handler failed too. */
export const HOOK_FAILED = 'SLUICE_CALLBACK_THREW';

function describe(error: unknown): string {
  try {
    return String(error);
  } catch {
    return 'an unprintable value';
  }
}

function lastResort(error: unknown): void {
  try {
    process.emitWarning(`Sluice: a hook and the handler of its failure both failed: ${describe(error)}`, {
      type: 'SluiceWarning',
      code: HOOK_FAILED,
    });
  } catch {
    // Nothing is left to report to.
  }
}

/**
 * Watches what a hook returned. Anything with a `then` is treated as a promise; reading `then` or
 * calling it may itself throw (a hostile thenable, a revoked Proxy), which counts as the hook failing.
 */
function watch(result: unknown, onRejected: (error: unknown) => void): void {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) return;
  try {
    const then = (result as { then?: unknown }).then;
    if (typeof then === 'function') then.call(result, undefined, onRejected);
  } catch (error) {
    onRejected(error);
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
  watch(handled, lastResort);
}

/**
 * Calls a user-supplied hook (`onError`, `onWarning`, `onCallbackError`, client event hooks) so
 * that nothing it does reaches the event loop or the caller: a synchronous throw, a returned
 * promise that rejects, or a thenable whose `then` throws goes to `onFailure`; if `onFailure`
 * fails as well, a process warning (code SLUICE_CALLBACK_THREW) says so. Returns nothing and
 * never throws.
 */
export function callSafely<A>(hook: (arg: A) => unknown, arg: A, onFailure: (error: unknown) => unknown): void {
  let result: unknown;
  try {
    result = hook(arg);
  } catch (error) {
    handOver(onFailure, error);
    return;
  }
  watch(result, (error) => handOver(onFailure, error));
}
