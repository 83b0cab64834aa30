/** Node clamps a longer setTimeout delay to 1 ms (TimeoutOverflowWarning): no timer gets more. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Resolves after `ms` (chunked into timers of at most MAX_TIMER_MS each, never a busy poll).
 * With `signal`, rejects with `signal.reason` as soon as it aborts (also when already aborted).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    let left = ms;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const tick = (): void => {
      if (left <= 0) {
        signal?.removeEventListener('abort', onAbort);
        resolve();
        return;
      }
      const step = Math.min(left, MAX_TIMER_MS);
      left -= step;
      timer = setTimeout(tick, step);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    tick();
  });
}
