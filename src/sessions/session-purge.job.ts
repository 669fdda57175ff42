import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../common/clock.js';
import { errorMessage } from '../common/error-message.js';
import { CountMaintenanceClaims } from './count-maintenance-claims.js';
import { SessionRepository } from './session.repository.js';

/** How often long-expired session rows are deleted. */
export const PURGE_INTERVAL_MS = 5 * 60_000;

/**
 * Deletes long-expired session rows every PURGE_INTERVAL_MS (@nestjs/schedule), on one api
 * replica per period (CountMaintenanceClaims).
 */
@Injectable()
export class SessionPurgeJob {
  private readonly logger = new Logger(SessionPurgeJob.name);

  constructor(
    private readonly sessions: SessionRepository,
    private readonly claims: CountMaintenanceClaims,
    private readonly clock: Clock,
  ) {}

  /**
   * Resolves to the number of rows deleted: 0 when another api replica claimed this period's
   * purge, or after a failure (logged; the next period's purge deletes what this one left).
   */
  @Interval('sessions-purge', PURGE_INTERVAL_MS)
  async purge(): Promise<number> {
    try {
      const now = this.clock.now();
      if (!(await this.claims.claimPurge(now, PURGE_INTERVAL_MS))) return 0;
      return await this.sessions.purgeExpired(now);
    } catch (error) {
      this.logger.warn(`purging expired sessions failed: ${errorMessage(error)}`);
      return 0;
    }
  }
}
