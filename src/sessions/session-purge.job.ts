import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../common/clock.js';
import { errorMessage } from '../common/error-message.js';
import { SessionRepository } from './session.repository.js';

/** How often long-expired session rows are deleted. */
export const PURGE_INTERVAL_MS = 5 * 60_000;

/** Deletes long-expired session rows every PURGE_INTERVAL_MS (@nestjs/schedule). */
@Injectable()
export class SessionPurgeJob {
  private readonly logger = new Logger(SessionPurgeJob.name);

  constructor(
    private readonly sessions: SessionRepository,
    private readonly clock: Clock,
  ) {}

  /** Resolves to the number of rows deleted (0 after a failure, which is logged). */
  @Interval('sessions-purge', PURGE_INTERVAL_MS)
  async purge(): Promise<number> {
    try {
      return await this.sessions.purgeExpired(this.clock.now());
    } catch (error) {
      this.logger.warn(`purging expired sessions failed: ${errorMessage(error)}`);
      return 0;
    }
  }
}
