/** The part of Nest's Logger a failure streak writes to. */
export interface StreakLogger {
  error(message: string): void;
  warn(message: string): void;
  log(message: string): void;
  debug(message: string): void;
}

/** A streak is logged at its first failure and then every this many failures. */
export const LOG_EVERY_FAILURES = 10;

/**
 * Consecutive failures of one retried operation, logged sparingly: the first failure of a
 * streak and every LOG_EVERY_FAILURES-th at warn (the rest at debug, so a retry loop against
 * an unreachable server does not flood the log), and one line when it works again.
 */
export class FailureStreak {
  private failures = 0;

  constructor(
    private readonly logger: StreakLogger,
    /** What is being retried, for the recovery line, e.g. "KiadaServiceCount default/x". */
    private readonly what: string,
  ) {}

  /** Failures in a row so far (0 after a success). */
  get count(): number {
    return this.failures;
  }

  /**
   * Records one failure and logs `message` at `level` if this failure is one worth a line
   * (else at debug; `debug` for failures that are expected and retried, e.g. a conflict).
   * Returns the number of failures in a row.
   */
  failed(message: string, level: 'debug' | 'warn' | 'error' = 'warn'): number {
    this.failures += 1;
    const loud = this.failures === 1 || this.failures % LOG_EVERY_FAILURES === 0;
    if (!loud || level === 'debug') this.logger.debug(message);
    else if (level === 'error') this.logger.error(message);
    else this.logger.warn(message);
    return this.failures;
  }

  /** Ends a streak (logging the recovery when there was one). */
  succeeded(): void {
    if (this.failures > 0) {
      this.logger.log(`${this.what} works again after ${this.failures} failed attempt(s)`);
    }
    this.failures = 0;
  }
}
