import { performance } from 'node:perf_hooks';

const T0 = performance.now();

/** Milliseconds on the monotonic clock, for every duration the benchmarks measure. */
export const now = (): number => performance.now();

/** A progress line on stderr: `[bench +12.3s] message`. */
export function log(message: string): void {
  process.stderr.write(`[bench +${((now() - T0) / 1000).toFixed(1)}s] ${message}\n`);
}
