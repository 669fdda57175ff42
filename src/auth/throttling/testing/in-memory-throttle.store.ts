import {
  ThrottleStore,
  type AttemptClaim,
  type FailureState,
  type WindowState,
} from '../throttle-store.js';

interface Streak extends FailureState {
  lastFailureAt: number;
}

/**
 * The ThrottleStore of one process, for unit tests (bound through Nest DI). Same
 * semantics as the database's; `failAll` makes every call fail (the database is down).
 */
export class InMemoryThrottleStore extends ThrottleStore {
  readonly windows = new Map<string, WindowState>();
  readonly streaks = new Map<string, Streak>();
  failAll?: Error;

  async hit(keys: string[], windowMs: number, now: number): Promise<WindowState[]> {
    this.check();
    return keys.map((key) => {
      const open = this.windows.get(key);
      const window =
        open && open.resetAt > now
          ? { hits: open.hits + 1, resetAt: open.resetAt }
          : { hits: 1, resetAt: now + windowMs };
      this.windows.set(key, window);
      return { ...window };
    });
  }

  async claimAttempt(
    key: string,
    now: number,
    forgetBefore: number,
    lockMs: (failures: number) => number,
  ): Promise<AttemptClaim> {
    this.check();
    const streak = this.streaks.get(key);
    if (streak && streak.lockedUntil > now) {
      return { locked: true, failures: streak.failures, lockedUntil: streak.lockedUntil };
    }
    const failures = streak && streak.lastFailureAt > forgetBefore ? streak.failures + 1 : 1;
    const lockFor = lockMs(failures);
    const next = { failures, lastFailureAt: now, lockedUntil: lockFor > 0 ? now + lockFor : 0 };
    this.streaks.set(key, next);
    return { locked: false, failures: next.failures, lockedUntil: next.lockedUntil };
  }

  async clearFailures(key: string): Promise<void> {
    this.check();
    this.streaks.delete(key);
  }

  async purge(now: number, forgetBefore: number): Promise<number> {
    this.check();
    let deleted = 0;
    for (const [key, window] of this.windows) {
      if (window.resetAt <= now) deleted += Number(this.windows.delete(key));
    }
    for (const [key, streak] of this.streaks) {
      if (streak.lastFailureAt <= forgetBefore && streak.lockedUntil <= now) {
        deleted += Number(this.streaks.delete(key));
      }
    }
    return deleted;
  }

  private check(): void {
    if (this.failAll) throw this.failAll;
  }
}
