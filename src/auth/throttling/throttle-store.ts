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

/** One login attempt claimed against a streak (ThrottleStore.claimAttempt). */
export interface AttemptClaim extends FailureState {
  /** True: refused, the streak is locked until `lockedUntil` (nothing was recorded). */
  locked: boolean;
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

  /**
   * Claims one login attempt of `key` at `now`, in one locked step. While the streak is
   * locked, resolves with `locked: true` and records nothing. Else the attempt counts as a
   * failure before its password is checked: the streak grows by one (or starts again when
   * its last failure was at or before `forgetBefore`) and the lock-out becomes
   * `now + lockMs(failures)`. So attempts running at the same time, on any replica, see
   * each other: N parallel wrong passwords cannot all pass a lock meant to start at the
   * threshold. A successful login then clears the streak.
   */
  abstract claimAttempt(
    key: string,
    now: number,
    forgetBefore: number,
    lockMs: (failures: number) => number,
  ): Promise<AttemptClaim>;

  /** A successful login ends the streak of `key`. */
  abstract clearFailures(key: string): Promise<void>;

  /**
   * Deletes windows that ended by `now` and streaks whose last failure was at or before
   * `forgetBefore` and that lock nothing any more. Resolves to the number of entries deleted.
   */
  abstract purge(now: number, forgetBefore: number): Promise<number>;
}
