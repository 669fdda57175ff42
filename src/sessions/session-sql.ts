import type { EntityManager } from 'typeorm';
import type { TransactionRunner } from '../database/transaction-runner.js';

/**
 * The counter's first row in `active_user_count`: it holds swept_until, and one of the
 * COUNTER_STRIPES parts of the count.
 */
export const COUNTER_ID = 1;
/**
 * Rows (ids 1..COUNTER_STRIPES) whose counts add up to the active-user count (migration
 * StripeActiveUserCount1764230000000 creates them). A log-in or log-out adds its delta to one
 * of them, chosen by its database connection, so concurrent transactions on different
 * connections do not queue for one row lock (measured: docs/scaling.md, "The count at 100
 * api replicas").
 */
export const COUNTER_STRIPES = 16;
/**
 * A touch of a session further than this from its expiry cannot race a sweep (sweeps run
 * at the wall clock), so it is one UPDATE (after its owner's lock) without count
 * bookkeeping. Nearer the expiry it takes the counted path.
 */
export const TOUCH_FAST_PATH_MARGIN_MS = 60_000;
/** User rows locked per statement (keeps IN lists short). */
const LOCK_CHUNK = 500;

export interface SessionRow {
  userId: number | null;
  expiresAt: number;
  /** Null only for rows written by something else than the store (seeding). */
  createdAt: number | null;
}

/** What the store writes into one sessions row. */
export interface SessionRowWrite {
  userId: number | null;
  expiresAt: number;
  data: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface Counter {
  count: number;
  sweptUntil: number;
  /** Recount corrections applied so far (a recount applies its own only if none landed since its snapshot). */
  recounts: number;
}

/** mysql2 returns BIGINT columns as strings, better-sqlite3 as numbers. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/**
 * The statements of the session tables, run on one transaction's EntityManager. `?`
 * placeholders work on both mysql2 and better-sqlite3. No decisions here: the count's
 * invariant is ActiveUserCountRepository's.
 */
export class SessionSql {
  constructor(
    private readonly manager: EntityManager,
    private readonly mysql: boolean,
    /** TiDB: lock rows one per statement (TransactionRunner.tidb). */
    private readonly tidb = false,
  ) {}

  /** The statements on `manager`, a transaction of `runner`. */
  static of(manager: EntityManager, runner: TransactionRunner): SessionSql {
    return new SessionSql(manager, runner.mysql, runner.tidb);
  }

  rows<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    return this.manager.query(sql, parameters);
  }

  async session(sid: string): Promise<SessionRow | null> {
    const [row] = await this.rows<{ user_id: unknown; expires_at: unknown; created_at: unknown }>(
      'SELECT user_id, expires_at, created_at FROM sessions WHERE sid = ?',
      [sid],
    );
    if (!row) return null;
    return {
      userId: row.user_id === null ? null : toNumber(row.user_id),
      expiresAt: toNumber(row.expires_at),
      createdAt: row.created_at === null ? null : toNumber(row.created_at),
    };
  }

  async insertSession(sid: string, row: SessionRowWrite): Promise<void> {
    await this.rows(
      'INSERT INTO sessions (sid, user_id, expires_at, data, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)',
      [sid, row.userId, row.expiresAt, row.data, row.createdAt, row.lastSeenAt],
    );
  }

  async updateSession(sid: string, row: SessionRowWrite): Promise<void> {
    await this.rows(
      'UPDATE sessions SET user_id = ?, expires_at = ?, data = ?, created_at = ?, last_seen_at = ? WHERE sid = ?',
      [row.userId, row.expiresAt, row.data, row.createdAt, row.lastSeenAt, sid],
    );
  }

  /**
   * Locks the row of the user owning session `sid` (MySQL: FOR UPDATE; the session row itself
   * is only read) and resolves to the user's id, or null when there is no such session or
   * it has no owner.
   */
  async lockOwnerOf(sid: string): Promise<number | null> {
    const [row] = await this.rows<{ id: unknown }>(
      'SELECT id FROM users WHERE id = (SELECT user_id FROM sessions WHERE sid = ?)' +
        (this.mysql ? ' FOR UPDATE' : ''),
      [sid],
    );
    return row ? toNumber(row.id) : null;
  }

  /**
   * A touch that cannot change who is active: moves the expiry of session `sid`, still owned
   * by `owner`, to `expiresAt` only if the stored one is further than
   * TOUCH_FAST_PATH_MARGIN_MS from `now`, not later than the new one, and the new one is
   * within the absolute lifetime. Resolves to the number of rows changed (0 or 1).
   */
  async extendFarFromExpiry(
    sid: string,
    owner: number | null,
    touch: { expiresAt: number; data: string; now: number; lifetimeMs: number },
  ): Promise<number> {
    const result = (await this.manager.queryRunner!.query(
      'UPDATE sessions SET expires_at = ?, data = ?, last_seen_at = ? WHERE sid = ? AND ' +
        `${owner === null ? 'user_id IS NULL' : 'user_id = ?'} ` +
        'AND expires_at > ? AND expires_at <= ? AND created_at >= ?',
      [
        touch.expiresAt,
        touch.data,
        touch.now,
        sid,
        ...(owner === null ? [] : [owner]),
        touch.now + TOUCH_FAST_PATH_MARGIN_MS,
        touch.expiresAt,
        touch.expiresAt - touch.lifetimeMs,
      ],
      true,
    )) as { affected?: number | null };
    return result.affected ?? 0;
  }

  /** Deletes every session of `userId`; resolves to how many there were. */
  async deleteSessionsOf(userId: number): Promise<number> {
    const result: unknown = await this.manager
      .createQueryBuilder()
      .delete()
      .from('sessions')
      .where('user_id = :userId', { userId })
      .execute();
    return (result as { affected?: number | null }).affected ?? 0;
  }

  async deleteSession(sid: string): Promise<void> {
    await this.rows('DELETE FROM sessions WHERE sid = ?', [sid]);
  }

  /**
   * Serializes every count-relevant change of these users' sessions. Pessimistic write
   * (SELECT ... FOR UPDATE) on MySQL, in ascending id order so lockers cannot deadlock: in
   * statements of LOCK_CHUNK ids, or on TiDB one id per statement (a single-row lock waits
   * its turn, where a statement locking several rows starts over whenever one of them meets
   * a newer write, and under contention may never finish). SQLite has one writer at a time
   * anyway (TransactionRunner serializes its work).
   */
  async lockUsers(ids: number[]): Promise<void> {
    if (!this.mysql || ids.length === 0) return;
    const sorted = [...new Set(ids)].sort((a, b) => a - b);
    const chunk = this.tidb ? 1 : LOCK_CHUNK;
    for (let i = 0; i < sorted.length; i += chunk) {
      const ids = sorted.slice(i, i + chunk);
      await this.rows(
        `SELECT id FROM users WHERE id IN (${ids.map(() => '?').join(', ')}) ORDER BY id FOR UPDATE`,
        ids,
      );
    }
  }

  /**
   * swept_until, the count (the sum of the stripes) and the recount corrections applied so
   * far. `forUpdate` locks the first row, which serializes sweeps.
   */
  async counter(forUpdate = false): Promise<Counter> {
    if (forUpdate && this.mysql) {
      await this.rows('SELECT id FROM active_user_count WHERE id = ? FOR UPDATE', [COUNTER_ID]);
    }
    const [row] = await this.rows<{ count: unknown; swept_until: unknown; recounts: unknown }>(
      'SELECT SUM(count) AS count, MAX(CASE WHEN id = ? THEN swept_until END) AS swept_until, ' +
        'MAX(CASE WHEN id = ? THEN recounts END) AS recounts FROM active_user_count',
      [COUNTER_ID, COUNTER_ID],
    );
    if (!row || row.swept_until === null) {
      throw new Error('active_user_count has no row: run the database migrations');
    }
    return {
      count: toNumber(row.count),
      sweptUntil: toNumber(row.swept_until),
      recounts: toNumber(row.recounts),
    };
  }

  async hasSessionAfter(userId: number, time: number): Promise<boolean> {
    const rows = await this.rows(
      'SELECT 1 AS live FROM sessions WHERE user_id = ? AND expires_at > ? LIMIT 1',
      [userId, time],
    );
    return rows.length > 0;
  }

  /**
   * Adds `delta` to one stripe: on MySQL the one of this connection (CONNECTION_ID() is
   * constant per statement, so this is a primary-key update), so transactions on different
   * connections hold different row locks; SQLite has one writer anyway.
   */
  async addToCount(delta: number): Promise<void> {
    const stripe = this.mysql ? `${COUNTER_ID} + CONNECTION_ID() % ${COUNTER_STRIPES}` : '?';
    await this.rows(
      `UPDATE active_user_count SET count = count + ? WHERE id = ${stripe}`,
      this.mysql ? [delta] : [delta, COUNTER_ID],
    );
  }

  /** Users holding a session that expired in (from, to]: the only ones a sweep can uncount. */
  async usersExpiringBetween(from: number, to: number): Promise<number[]> {
    const rows = await this.rows<{ user_id: unknown }>(
      'SELECT DISTINCT user_id FROM sessions WHERE expires_at > ? AND expires_at <= ? AND user_id IS NOT NULL',
      [from, to],
    );
    return rows.map((row) => toNumber(row.user_id));
  }

  /** How many of the users whose sessions expired in (from, to] hold none after `to`. */
  async usersGoneBetween(from: number, to: number): Promise<number> {
    const [row] = await this.rows<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM (SELECT DISTINCT user_id FROM sessions ' +
        'WHERE expires_at > ? AND expires_at <= ? AND user_id IS NOT NULL) expired ' +
        'WHERE NOT EXISTS (SELECT 1 FROM sessions live WHERE live.user_id = expired.user_id AND live.expires_at > ?)',
      [from, to, to],
    );
    return toNumber(row?.n ?? 0);
  }

  /** Records a sweep up to `sweptUntil` that uncounted `gone` users. */
  async recordSweep(gone: number, sweptUntil: number): Promise<void> {
    await this.rows(
      'UPDATE active_user_count SET count = count - ?, swept_until = ? WHERE id = ?',
      [gone, sweptUntil, COUNTER_ID],
    );
  }

  /**
   * Users with a session expiring after `time` and a user id in [from, to] (a slice of the
   * full recount): a range of IDX_sessions_user_id_expires_at, named so the database reads
   * the users in order and counts each at once (measured on MariaDB 10.11 at 300,000
   * sessions: 67 ms for all of them, against 80 ms on the expiry index it picks by itself,
   * which de-duplicates in a temporary table that outgrows memory at 10,000,000).
   */
  async countUsersWithSessionAfter(time: number, from = 0, to = Number.MAX_SAFE_INTEGER) {
    const index = this.mysql
      ? 'FORCE INDEX (IDX_sessions_user_id_expires_at)'
      : 'INDEXED BY IDX_sessions_user_id_expires_at';
    const [row] = await this.rows<{ n: unknown }>(
      `SELECT COUNT(DISTINCT user_id) AS n FROM sessions ${index} ` +
        'WHERE user_id >= ? AND user_id <= ? AND expires_at > ?',
      [from, to, time],
    );
    return toNumber(row?.n ?? 0);
  }

  /** The lowest user id above `after` holding a session row (expired or not), or null. */
  async firstUserAfter(after: number): Promise<number | null> {
    const [row] = await this.rows<{ id: unknown }>(
      'SELECT MIN(user_id) AS id FROM sessions WHERE user_id > ?',
      [after],
    );
    return row?.id === null || row?.id === undefined ? null : toNumber(row.id);
  }
}
