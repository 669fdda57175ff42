import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/error-message.js';
import type { AppConfig } from '../../config/index.js';
import { DecisionRepository } from './decision.repository.js';

const HOUR_MS = 60 * 60_000;
const DAY_MS = 24 * HOUR_MS;

/** Deletes decisions older than SCALING_DECISION_RETENTION_DAYS, every hour. */
@Injectable()
export class DecisionRetentionJob {
  private readonly logger = new Logger(DecisionRetentionJob.name);
  private readonly retentionMs: number;

  constructor(
    private readonly decisions: DecisionRepository,
    private readonly clock: Clock,
    config: ConfigService<AppConfig, true>,
  ) {
    this.retentionMs = config.get('scaling', { infer: true }).decisionRetentionDays * DAY_MS;
  }

  /** Resolves to the number of decisions deleted (0 after a failure, which is logged). */
  @Interval('scaling-decisions-retention', HOUR_MS)
  async purge(): Promise<number> {
    try {
      return await this.decisions.deleteBefore(this.clock.now() - this.retentionMs);
    } catch (error) {
      this.logger.warn(`Deleting old scaling decisions failed: ${errorMessage(error)}`);
      return 0;
    }
  }
}
