import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner.js';
import {
  ActiveUserCountRepository,
  type SessionWriteTime,
} from './active-user-count.repository.js';
import { SessionSql, toNumber } from './session-sql.js';

/** Rows are kept this long after they expired (and were swept) before the purge deletes them. */
export const PURGE_GRACE_MS = 10 * 60_000;

/** Rows the purge deletes per statement. */
export const PURGE_BATCH_ROWS = 10_000;

/** Longest User-Agent kept (the column's length). */
export const USER_AGENT_MAX_LENGTH = 255;

/** One live session of a user, as the user's session list shows it. */
export interface UserSession {
  sid: string;
  /** Epoch ms. */
  createdAt: number | null;
  lastSeenAt: number | null;
  userAgent: string | null;
}

export interface StoredSession {
  /** The serialized session (JSON). */
  data: string;
  /** Epoch ms the database holds as its expiry. */
  expiresAt: number;
  /** Epoch ms of the log-in (the absolute lifetime counts from it); null for seeded rows. */
  createdAt: number | null;
}

/**
 * Reads of the `sessions` rows and the writes that cannot change who is active: a touch far
 * from the expiry, the User-Agent, the purge of long-dead rows. Writes that can (log-in,
 * log-out, a touch near the expiry) go through ActiveUserCountRepository, in the same
 * transaction as the count they change.
 */
@Injectable()
export class SessionRepository {
  constructor(
    private readonly runner: TransactionRunner,
    private readonly count: ActiveUserCountRepository,
  ) {}

  /**
   * The live session `sid` (expiring after `now`, and created less than `lifetimeMs` ago:
   * the absolute lifetime holds even if SESSION_ABSOLUTE_TTL_SECONDS was lowered since the
   * expiry was written), or null. A row without created_at (seeded) is judged by its expiry.
   */
  async find(sid: string, now: number, lifetimeMs: number): Promise<StoredSession | null> {
    const [row] = await this.runner.query<
      Array<{ data: string; expires_at: unknown; created_at: unknown }>
    >(
      'SELECT data, expires_at, created_at FROM sessions WHERE sid = ? AND expires_at > ? ' +
        'AND (created_at IS NULL OR created_at > ?)',
      [sid, now, now - lifetimeMs],
    );
    return row
      ? {
          data: row.data,
          expiresAt: toNumber(row.expires_at),
          createdAt: row.created_at === null ? null : toNumber(row.created_at),
        }
      : null;
  }

  /**
   * Moves the session's expiry to `expiresAt` (rolling sessions), never past its absolute
   * lifetime. Resolves to the expiry the row now holds, or null when there is no row.
   */
  async touch(
    sid: string,
    expiresAt: number,
    data: string,
    time: SessionWriteTime,
  ): Promise<number | null> {
    // Fast path: far from the expiry, and the new expiry within the absolute lifetime. The
    // owner's row is locked first, as every counted change does: the UPDATE's foreign-key
    // check takes a shared lock on it after the session row, so without it a touch and a
    // counted change of the same user would lock the two rows in opposite orders (deadlock).
    const fast = await this.runner.transaction(async (manager) => {
      const sql = SessionSql.of(manager, this.runner);
      const owner = await sql.lockOwnerOf(sid);
      return sql.extendFarFromExpiry(sid, owner, { expiresAt, data, ...time });
    });
    if (fast > 0) return expiresAt;
    return this.count.applySessionChange(sid, { kind: 'touch', expiresAt, data, ...time });
  }

  /** Records the User-Agent of a new session (for the user's session list). */
  async recordUserAgent(sid: string, userAgent: string): Promise<void> {
    await this.runner.query('UPDATE sessions SET user_agent = ? WHERE sid = ?', [
      userAgent.slice(0, USER_AGENT_MAX_LENGTH),
      sid,
    ]);
  }

  /** The live sessions of `userId` (as `find` judges them), newest first. */
  async listOf(userId: number, now: number, lifetimeMs: number): Promise<UserSession[]> {
    const rows = await this.runner.query<
      Array<{ sid: string; created_at: unknown; last_seen_at: unknown; user_agent: string | null }>
    >(
      'SELECT sid, created_at, last_seen_at, user_agent FROM sessions ' +
        'WHERE user_id = ? AND expires_at > ? AND (created_at IS NULL OR created_at > ?) ' +
        'ORDER BY created_at DESC, sid',
      [userId, now, now - lifetimeMs],
    );
    return rows.map((row) => ({
      sid: row.sid,
      createdAt: row.created_at === null ? null : toNumber(row.created_at),
      lastSeenAt: row.last_seen_at === null ? null : toNumber(row.last_seen_at),
      userAgent: row.user_agent,
    }));
  }

  /**
   * Deletes rows that expired, were swept (so they are no longer counted) and more than
   * PURGE_GRACE_MS before `now`, PURGE_BATCH_ROWS per statement: no statement holds many
   * row locks for long on MySQL, nor outgrows TiDB's transaction size limit. Resolves to
   * the number of rows deleted.
   */
  async purgeExpired(now: number): Promise<number> {
    const cutoff = Math.min(await this.count.sweptUntil(), now - PURGE_GRACE_MS);
    const statement = this.runner.mysql
      ? 'DELETE FROM sessions WHERE expires_at <= ? ORDER BY expires_at LIMIT ?'
      : 'DELETE FROM sessions WHERE sid IN (SELECT sid FROM sessions WHERE expires_at <= ? LIMIT ?)';
    let deleted = 0;
    for (;;) {
      const batch = await this.runner.affected(statement, [cutoff, PURGE_BATCH_ROWS]);
      deleted += batch;
      if (batch < PURGE_BATCH_ROWS) return deleted;
    }
  }
}
