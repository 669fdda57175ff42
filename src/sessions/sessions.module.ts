import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TransactionRunner } from '../database/transaction-runner.js';
import { ActiveUserCountRepository } from './active-user-count.repository.js';
import { ActiveUserCountSource } from './active-user-count.source.js';
import { AuthEvents } from './auth-events.js';
import { CountMaintenanceClaims } from './count-maintenance-claims.js';
import { SessionPurgeJob } from './session-purge.job.js';
import { Session } from './session.entity.js';
import { SessionRepository } from './session.repository.js';

/**
 * Sessions and what they mean for scaling: the session rows, the active-user count kept
 * with them, and the auth events that say the count may have changed. AuthModule writes
 * sessions through it; ScalingModule reads the count and listens to the events, without
 * importing AuthModule and its HTTP middleware.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Session])],
  providers: [
    TransactionRunner,
    CountMaintenanceClaims,
    ActiveUserCountRepository,
    { provide: ActiveUserCountSource, useExisting: ActiveUserCountRepository },
    SessionRepository,
    SessionPurgeJob,
    AuthEvents,
  ],
  // TransactionRunner too: on SQLite every writer must queue on the one instance.
  exports: [
    AuthEvents,
    ActiveUserCountSource,
    ActiveUserCountRepository,
    SessionRepository,
    TransactionRunner,
  ],
})
export class SessionsModule {}
