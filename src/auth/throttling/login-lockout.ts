import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { FastifyReply } from 'fastify';
import { Clock } from '../../common/clock.js';
import type { AppConfig } from '../../config/index.js';
import { LOCKOUT_FORGET_MS, lockoutMs, type LockoutPolicy } from './lockout-policy.js';
import { ThrottleStore } from './throttle-store.js';
import { tooManyAttempts } from './too-many-attempts.js';

/** The message of a locked-out login (429). */
export const LOCKED_OUT = 'Too many failed logins for this username from your address';

/** One login attempt that the lock-out let through: report how it ended. */
export interface LoginAttempt {
  /** Wrong credentials: the streak grows (and may lock). */
  failed(): Promise<void>;
  /** Logged in: the streak ends. */
  succeeded(): Promise<void>;
}

const UNTRACKED: LoginAttempt = { failed: async () => {}, succeeded: async () => {} };

/**
 * Per-account lock-out with growing delay (OWASP's authentication cheat sheet), keyed by
 * (username, client address): repeated failures from one address lock that address out of
 * that account for a while, and the account stays open to its owner elsewhere, so an
 * attacker cannot lock a user out. Unlike the rate limit (AuthThrottleGuard: attempts per
 * window, per IP and per username, counted whether they succeed or not), this counts only
 * wrong passwords, grows with each one, and ends at the first successful login.
 */
@Injectable()
export class LoginLockout {
  private readonly policy: LockoutPolicy;

  constructor(
    private readonly store: ThrottleStore,
    private readonly clock: Clock,
    config: ConfigService<AppConfig, true>,
  ) {
    this.policy = config.get('auth', { infer: true }).lockout;
  }

  /**
   * 429 with Retry-After while (username, address) is locked; else the attempt, to report
   * its outcome. A success writes only when a streak was on record (most logins: one read).
   */
  async begin(username: string, address: string, response: FastifyReply): Promise<LoginAttempt> {
    if (this.policy.threshold === 0) return UNTRACKED;
    const key = keyOf(username, address);
    const streak = await this.store.streak(key);
    const wait = (streak?.lockedUntil ?? 0) - this.clock.now();
    if (wait > 0) tooManyAttempts(response, wait, LOCKED_OUT);
    return {
      failed: async () => {
        const now = this.clock.now();
        await this.store.recordFailure(key, now, now - LOCKOUT_FORGET_MS, (failures) =>
          lockoutMs(failures, this.policy),
        );
      },
      succeeded: async () => {
        if (streak) await this.store.clearFailures(key);
      },
    };
  }
}

/** Usernames are unique ignoring case, so their streaks are too. */
function keyOf(username: string, address: string): string {
  return `login|${username.toLowerCase()}|${address}`;
}
