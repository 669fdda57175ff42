import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { PURGE_INTERVAL_MS, TypeormSessionStore } from './typeorm-session.store.js';

/**
 * Runs the store's purge of long-expired session rows periodically. A class of its own
 * because the store is also bound as ActiveUserCountSource, and the scheduler would find
 * the decorated method under both providers.
 */
@Injectable()
export class SessionPurger {
  constructor(private readonly store: TypeormSessionStore) {}

  @Interval('sessions-purge', PURGE_INTERVAL_MS)
  async purge(): Promise<void> {
    await this.store.purgeExpired();
  }
}
