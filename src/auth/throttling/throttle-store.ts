/** One fixed window of the rate limit, after a hit. */
export interface WindowState {
  hits: number;
  /** Epoch ms when the window ends. */
  resetAt: number;
}

/** The failed-login streak of one (username, client address), after a failure. */
export interface FailureState {
  failures: number;
  /** Epoch ms until which logins are refused (0 or past: not locked). */
  lockedUntil: number;
}

/**
 * Where the auth throttle keeps its counters. The app binds the database
 * (DatabaseThrottleStore), so every api replica counts against the same windows and
 * lock-outs; unit tests bind InMemoryThrottleStore. Keys are opaque strings.
 */
export abstract class ThrottleStore {
  /**
   * Counts one hit against the fixed window of each key (a window of `windowMs` opens at
   * `now` when none is open) and resolves to each window after the hit, in `keys` order.
   */
  abstract hit(keys: string[], windowMs: number, now: number): Promise<WindowState[]>;

  /** The failure streak of `key` on record (locked or not), or null when there is none. */
  abstract streak(key: string): Promise<FailureState | null>;

  /**
   * Records a failed login of `key` at `now`: the streak grows by one (or starts again
   * when its last failure was at or before `forgetBefore`), and the lock-out becomes
   * `now + lockMs(failures)`. Resolves to the streak after the failure.
   */
  abstract recordFailure(
    key: string,
    now: number,
    forgetBefore: number,
    lockMs: (failures: number) => number,
  ): Promise<FailureState>;

  /** A successful login ends the streak of `key`. */
  abstract clearFailures(key: string): Promise<void>;

  /**
   * Deletes windows that ended by `now` and streaks whose last failure was at or before
   * `forgetBefore` and that lock nothing any more. Resolves to the number of entries deleted.
   */
  abstract purge(now: number, forgetBefore: number): Promise<number>;
}
