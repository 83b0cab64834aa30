/** A policy's window as the drafts' `w`: whole seconds, rounded up, never 0 (w must be non-zero). */
export function windowSeconds(windowMs: number): number {
  return windowMs <= 1000 ? 1 : Math.ceil(windowMs / 1000);
}
