export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
}

/** Capped exponential backoff: attempt 1 -> initialMs, then doubling up to maxMs. */
export function backoffDelay(attempt: number, { initialMs, maxMs }: BackoffOptions): number {
  const exponent = Math.max(0, attempt - 1);
  return Math.min(maxMs, initialMs * 2 ** Math.min(exponent, 30));
}
