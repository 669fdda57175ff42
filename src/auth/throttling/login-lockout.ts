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

/** One login attempt that the lock-out let through, counted as failed until it succeeds. */
export interface LoginAttempt {
  /** Logged in: the streak ends. */
  succeeded(): Promise<void>;
}

const UNTRACKED: LoginAttempt = { succeeded: async () => {} };

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
   * 429 with Retry-After while (username, address) is locked; else the attempt, claimed as
   * a failure before the password is checked (ThrottleStore.claimAttempt), so attempts in
   * parallel count against each other. An attempt that ends without a verdict (the
   * database failed half-way) stays counted: it errs towards the lock.
   */
  async begin(username: string, address: string, response: FastifyReply): Promise<LoginAttempt> {
    if (this.policy.threshold === 0) return UNTRACKED;
    const key = keyOf(username, address);
    const now = this.clock.now();
    const claim = await this.store.claimAttempt(key, now, now - LOCKOUT_FORGET_MS, (failures) =>
      lockoutMs(failures, this.policy),
    );
    if (claim.locked) tooManyAttempts(response, claim.lockedUntil - now, LOCKED_OUT);
    return { succeeded: () => this.store.clearFailures(key) };
  }
}

/** Usernames are unique ignoring case, so their streaks are too. */
function keyOf(username: string, address: string): string {
  return `login|${username.toLowerCase()}|${address}`;
}
