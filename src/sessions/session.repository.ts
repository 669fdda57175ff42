import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner.js';
import { ActiveUserCountRepository } from './active-user-count.repository.js';
import { toNumber } from './session-sql.js';

/** Rows are kept this long after they expired (and were swept) before the purge deletes them. */
export const PURGE_GRACE_MS = 10 * 60_000;
/**
 * A touch of a session further than this from its expiry cannot race a sweep (sweeps run
 * at the wall clock), so it is a plain UPDATE without user lock or count bookkeeping.
 * Nearer the expiry it takes the counted path.
 */
export const TOUCH_FAST_PATH_MARGIN_MS = 60_000;

export interface StoredSession {
  /** The serialized session (JSON). */
  data: string;
  /** Epoch ms the database holds as its expiry. */
  expiresAt: number;
}

/**
 * The `sessions` rows. Writes that can change who is active go through
 * ActiveUserCountRepository, in the same transaction as the count they change; the rest
 * (reads, a touch far from the expiry, the purge of long-dead rows) are plain statements.
 */
@Injectable()
export class SessionRepository {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly count: ActiveUserCountRepository,
  ) {}

  /** The live session `sid` (expiring after `now`), or null. */
  async find(sid: string, now: number): Promise<StoredSession | null> {
    const [row] = await this.runner.query<Array<{ data: string; expires_at: unknown }>>(
      'SELECT data, expires_at FROM sessions WHERE sid = ? AND expires_at > ?',
      [sid, now],
    );
    return row ? { data: row.data, expiresAt: toNumber(row.expires_at) } : null;
  }

  /** Creates or replaces the session (a log-in sets its owner, a log-out clears it). */
  async save(sid: string, userId: number | null, expiresAt: number, data: string): Promise<void> {
    await this.count.applySessionChange(sid, { kind: 'set', userId, expiresAt, data });
  }

  /**
   * Moves the session's expiry to `expiresAt` (rolling sessions). Resolves to whether the
   * row existed (and now holds `expiresAt`).
   */
  async touch(sid: string, expiresAt: number, data: string, now: number): Promise<boolean> {
    const fast = await this.runner.affected(
      'UPDATE sessions SET expires_at = ?, data = ? WHERE sid = ? AND expires_at > ? AND expires_at <= ?',
      [expiresAt, data, sid, now + TOUCH_FAST_PATH_MARGIN_MS, expiresAt],
    );
    return fast > 0 || this.count.applySessionChange(sid, { kind: 'touch', expiresAt, data });
  }

  async destroy(sid: string): Promise<void> {
    await this.count.applySessionChange(sid, { kind: 'destroy' });
  }

  /**
   * Deletes rows that expired (and were swept, so they are no longer counted) more than
   * PURGE_GRACE_MS before `now`. Resolves to the number of rows deleted.
   */
  async purgeExpired(now: number): Promise<number> {
    await this.count.sweepExpired(now);
    const cutoff = Math.min(await this.count.sweptUntil(), now - PURGE_GRACE_MS);
    return this.runner.affected('DELETE FROM sessions WHERE expires_at <= ?', [cutoff]);
  }
}
