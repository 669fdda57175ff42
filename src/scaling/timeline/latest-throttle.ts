import type { Clock, Timer } from '../../common/clock.js';

/**
 * Passes values on at most once per `intervalMs`, always the latest: the first value after
 * a quiet spell goes at once (leading edge), values that come sooner wait for the end of
 * the interval, and only the last of them goes (trailing edge). So a stream of changes
 * costs at most one emission per interval, and the final state is never held back.
 */
export class LatestThrottle<T> {
  private lastEmitAt = -Infinity;
  private pending: { value: T } | undefined;
  private timer: Timer | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly emit: (value: T) => void,
  ) {}

  push(value: T): void {
    const now = this.clock.now();
    if (!this.timer && now - this.lastEmitAt >= this.intervalMs) {
      this.send(value, now);
      return;
    }
    this.pending = { value };
    this.timer ??= this.clock.setTimeout(
      () => this.flush(),
      this.lastEmitAt + this.intervalMs - now,
    );
  }

  /** Drops what waits (the consumer is gone). */
  cancel(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.pending = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (pending) this.send(pending.value, this.clock.now());
  }

  private send(value: T, now: number): void {
    this.lastEmitAt = now;
    this.emit(value);
  }
}
