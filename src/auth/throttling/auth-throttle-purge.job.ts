import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/error-message.js';
import { LOCKOUT_FORGET_MS } from './lockout-policy.js';
import { ThrottleStore } from './throttle-store.js';

/** How often ended windows and forgotten failure streaks are deleted. */
export const THROTTLE_PURGE_INTERVAL_MS = 5 * 60_000;

/** Keeps the throttle's tables small: deletes what no longer limits anything (@nestjs/schedule). */
@Injectable()
export class AuthThrottlePurgeJob {
  private readonly logger = new Logger(AuthThrottlePurgeJob.name);

  constructor(
    private readonly store: ThrottleStore,
    private readonly clock: Clock,
  ) {}

  /** Resolves to the number of entries deleted (0 after a failure, which is logged). */
  @Interval('auth-throttle-purge', THROTTLE_PURGE_INTERVAL_MS)
  async purge(): Promise<number> {
    const now = this.clock.now();
    try {
      return await this.store.purge(now, now - LOCKOUT_FORGET_MS);
    } catch (error) {
      this.logger.warn(`purging the auth throttle's old entries failed: ${errorMessage(error)}`);
      return 0;
    }
  }
}
