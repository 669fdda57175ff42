import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Response } from 'express';
import { Clock } from '../../common/clock.js';
import type { AppConfig } from '../../config/index.js';
import { LOCKOUT_FORGET_MS, lockoutMs, type LockoutPolicy } from './lockout-policy.js';
import { ThrottleStore } from './throttle-store.js';
import { tooManyAttempts } from './too-many-attempts.js';

/** The message of a locked-out login (429). */
export const LOCKED_OUT = 'Too many failed logins for this username from your address';

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

  get enabled(): boolean {
    return this.policy.threshold > 0;
  }

  /** 429 with Retry-After while (username, address) is locked. */
  async assertOpen(username: string, address: string, response: Response): Promise<void> {
    if (!this.enabled) return;
    const wait = (await this.store.lockedUntil(keyOf(username, address))) - this.clock.now();
    if (wait > 0) tooManyAttempts(response, wait, LOCKED_OUT);
  }

  async recordFailure(username: string, address: string): Promise<void> {
    if (!this.enabled) return;
    const now = this.clock.now();
    await this.store.recordFailure(keyOf(username, address), now, now - LOCKOUT_FORGET_MS, (n) =>
      lockoutMs(n, this.policy),
    );
  }

  async recordSuccess(username: string, address: string): Promise<void> {
    if (!this.enabled) return;
    await this.store.clearFailures(keyOf(username, address));
  }
}

/** Usernames are unique ignoring case, so their streaks are too. */
function keyOf(username: string, address: string): string {
  return `login|${username.toLowerCase()}|${address}`;
}
