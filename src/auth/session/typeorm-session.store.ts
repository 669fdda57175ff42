import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import session from 'express-session';
import type { SessionData } from 'express-session';
import { DataSource, EntityManager } from 'typeorm';
import type { AppConfig } from '../../config/index.js';
import { User } from '../../users/user.entity.js';
import { ActiveUserCountSource } from './active-user-count.source.js';
import { sessionUserId } from './session.serializer.js';

/** How often long-expired session rows are deleted. */
export const PURGE_INTERVAL_MS = 5 * 60_000;
/** Rows are kept this long after they expired (and were swept) before the purge deletes them. */
export const PURGE_GRACE_MS = 10 * 60_000;
/**
 * A touch that writes (at the end of an authenticated request, at most once per touchAfter)
 * to a session further than this from its expiry cannot race a sweep (sweeps run at the wall
 * clock), so it is a plain UPDATE without user lock or count bookkeeping. Nearer the expiry
 * it takes the full path.
 */
export const TOUCH_FAST_PATH_MARGIN_MS = 60_000;
/**
 * How many sessions' stored expiries the store remembers for touchAfter (least recently
 * used forgotten first). Each request's own `get` records its session's expiry just before
 * its `touch`, so this only has to cover the sessions in flight at once; a forgotten one
 * only costs a write.
 */
export const KNOWN_EXPIRY_LIMIT = 10_000;

const COUNTER_ID = 1;
const LOCK_CHUNK = 500;
const MAX_ATTEMPTS = 5;
/**
 * Safe to retry as a whole: MySQL/MariaDB deadlock (1213), lock wait timeout (1205), and a
 * duplicate sid (1062 / SQLite's primary-key constraint) when two requests of one fresh
 * session insert it at once (the retry finds the row and updates it).
 */
const RETRYABLE_ERRNOS = new Set([1213, 1205, 1062]);

type Callback = (error?: unknown) => void;
type SessionChange =
  | { kind: 'set'; userId: number | null; expiresAt: number; data: string }
  | { kind: 'touch'; expiresAt: number; data: string }
  | { kind: 'destroy' };

interface SessionRow {
  userId: number | null;
  expiresAt: number;
}

class Retry extends Error {}

function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function isRetryable(error: unknown): boolean {
  if (error instanceof Retry) return true;
  const driverError = (error as { driverError?: { errno?: number; code?: string } } | null)
    ?.driverError;
  if (driverError?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  return driverError?.errno !== undefined && RETRYABLE_ERRNOS.has(driverError.errno);
}

/** The queries of one transaction; `?` placeholders work on both mysql2 and better-sqlite3. */
class Tx {
  constructor(
    private readonly manager: EntityManager,
    private readonly mysql: boolean,
  ) {}

  rows<T>(sql: string, parameters: unknown[]): Promise<T[]> {
    return this.manager.query(sql, parameters);
  }

  async affected(sql: string, parameters: unknown[]): Promise<number> {
    const result = await this.manager.queryRunner!.query(sql, parameters, true);
    return result.affected ?? 0;
  }

  async session(sid: string): Promise<SessionRow | null> {
    const [row] = await this.rows<{ user_id: unknown; expires_at: unknown }>(
      'SELECT user_id, expires_at FROM sessions WHERE sid = ?',
      [sid],
    );
    if (!row) return null;
    return {
      userId: row.user_id === null ? null : toNumber(row.user_id),
      expiresAt: toNumber(row.expires_at),
    };
  }

  /**
   * Serializes every count-relevant change of these users' sessions. Pessimistic write
   * (SELECT ... FOR UPDATE) on MySQL, in ascending id order so lockers cannot deadlock;
   * SQLite has one writer at a time anyway (and the store serializes its transactions).
   */
  async lockUsers(ids: number[]): Promise<void> {
    if (!this.mysql || ids.length === 0) return;
    const sorted = [...new Set(ids)].sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i += LOCK_CHUNK) {
      await this.manager
        .createQueryBuilder(User, 'user')
        .select('user.id')
        .where('user.id IN (:...ids)', { ids: sorted.slice(i, i + LOCK_CHUNK) })
        .orderBy('user.id')
        .setLock('pessimistic_write')
        .getRawMany();
    }
  }

  async counter(forUpdate = false): Promise<{ count: number; sweptUntil: number }> {
    const lock = forUpdate && this.mysql ? ' FOR UPDATE' : '';
    const [row] = await this.rows<{ count: unknown; swept_until: unknown }>(
      `SELECT count, swept_until FROM active_user_count WHERE id = ?${lock}`,
      [COUNTER_ID],
    );
    if (!row) throw new Error('active_user_count has no row: run the database migrations');
    return { count: toNumber(row.count), sweptUntil: toNumber(row.swept_until) };
  }

  async hasSessionAfter(userId: number, time: number): Promise<boolean> {
    const rows = await this.rows(
      'SELECT 1 AS live FROM sessions WHERE user_id = ? AND expires_at > ? LIMIT 1',
      [userId, time],
    );
    return rows.length > 0;
  }

  async addToCount(delta: number): Promise<void> {
    await this.rows('UPDATE active_user_count SET count = count + ? WHERE id = ?', [
      delta,
      COUNTER_ID,
    ]);
  }
}

/**
 * express-session store on the `sessions` table, which also keeps the active-user count.
 *
 * Why not connect-typeorm: its table has only id, expiry and the JSON blob, no user-id
 * column, so counting active users would mean parsing every session; and it knows nothing
 * of a count to keep. Here the owner and the expiry are indexed columns.
 *
 * The count (table `active_user_count`, one row) obeys one invariant:
 *
 *     count = number of users with a session whose expires_at > swept_until
 *
 * - set/touch/destroy lock the affected user row(s) (MySQL: SELECT ... FOR UPDATE), read
 *   whether each user held such a session before and after the write, and add the
 *   difference, all in one READ COMMITTED transaction. So +1 happens only for a user's first
 *   live session and -1 only when the last one goes; two concurrent first logins of one
 *   user serialize on the user row, so only one of them adds.
 * - sweepExpired(now) advances swept_until to `now`: only users holding a session with
 *   expires_at in (swept_until, now] can change (index on expires_at), and each is
 *   decremented only if it has no session left after `now`, so a session extended by a
 *   touch (rolling) keeps its user counted. Cost follows the number of expirations.
 * - recount(now) sweeps, then recomputes the count with COUNT(DISTINCT user_id), under the
 *   counter row's lock, which every delta also takes, so no delta is lost or doubled.
 * - The purge deletes only rows that expired before swept_until (already uncounted).
 *
 * Lock order everywhere: user rows (ascending id), then the counter row. Deadlock and lock
 * wait errors are retried. `now` passed to sweeps must be the wall clock (never ahead of
 * it), since new sessions are compared against swept_until.
 *
 * touchAfter (SESSION_TOUCH_AFTER_SECONDS, like connect-mongo's option): express-session
 * touches the session at the end of every request that loaded it. A touch writes only when
 * the new expiry is at least touchAfter later than the one the database holds, which the
 * store knows without a query: `get` reads expires_at with the data, and get/set/touch
 * remember it per sid in a bounded LRU map (KNOWN_EXPIRY_LIMIT). Trade-off: the database's
 * expiry, the one that counts, may lag the cookie's by up to touchAfter, so an idle session
 * may end up to touchAfter before its idle TTL (touchAfter is capped at half the TTL, so an
 * active session is always extended in time). A skipped touch writes nothing, so it cannot
 * change the count: the invariant below holds for whatever expiry the row has, and the
 * sweep treats a session whose touch was skipped like any other by its stored expiry.
 * Several api replicas are fine: each request's `get` reads the current expiry from the
 * database, so a replica never relies on another's writes being in its map; a stale entry
 * only ever makes a replica write when it could have skipped.
 *
 * On SQLite (the single-process embedded default) TypeORM shares one connection, so the
 * store runs its operations one at a time to keep its transactions from interleaving.
 */
@Injectable()
export class TypeormSessionStore extends session.Store implements ActiveUserCountSource {
  private readonly logger = new Logger(TypeormSessionStore.name);
  private readonly mysql: boolean;
  private readonly ttlMs: number;
  private readonly touchAfterMs: number;
  /** sid -> expires_at the database held when this process last read or wrote it (LRU). */
  private readonly knownExpiry = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: ConfigService<AppConfig, true>,
  ) {
    super();
    this.mysql = dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb';
    const { ttlSeconds, touchAfterSeconds } = config.get('session', { infer: true });
    this.ttlMs = ttlSeconds * 1000;
    this.touchAfterMs = Math.min((touchAfterSeconds ?? 0) * 1000, this.ttlMs / 2);
  }

  // ---- express-session Store -------------------------------------------------------------

  override get(
    sid: string,
    callback: (error: unknown, session?: SessionData | null) => void,
  ): void {
    this.loadSession(sid).then(
      (data) => callback(null, data),
      (error: unknown) => callback(error),
    );
  }

  override set(sid: string, data: SessionData, callback?: Callback): void {
    const expiresAt = this.expiryOf(data);
    this.settle(
      this.change(sid, {
        kind: 'set',
        userId: sessionUserId((data as { passport?: { user?: unknown } }).passport?.user),
        expiresAt,
        data: JSON.stringify(data),
      }).then(() => this.remember(sid, expiresAt)),
      callback,
    );
  }

  override touch(sid: string, data: SessionData, callback?: Callback): void {
    const expiresAt = this.expiryOf(data);
    const stored = this.knownExpiry.get(sid);
    if (this.touchAfterMs > 0 && stored !== undefined && expiresAt - stored < this.touchAfterMs) {
      callback?.(); // the stored expiry is recent enough: no write (see touchAfter above)
      return;
    }
    this.settle(
      this.touchSession(sid, expiresAt, JSON.stringify(data)).then((written) =>
        written ? this.remember(sid, expiresAt) : this.knownExpiry.delete(sid),
      ),
      callback,
    );
  }

  override destroy(sid: string, callback?: Callback): void {
    this.knownExpiry.delete(sid);
    this.settle(
      this.change(sid, { kind: 'destroy' }).finally(() => this.knownExpiry.delete(sid)),
      callback,
    );
  }

  // ---- ActiveUserCountSource -------------------------------------------------------------

  async read(): Promise<number> {
    const [row] = await this.exclusive(() =>
      this.dataSource.query<Array<{ count: unknown }>>(
        'SELECT count FROM active_user_count WHERE id = ?',
        [COUNTER_ID],
      ),
    );
    return row ? toNumber(row.count) : 0;
  }

  sweepExpired(now: number): Promise<number> {
    return this.withRetries(() =>
      this.transaction(async (tx) => {
        const start = await tx.counter();
        if (now <= start.sweptUntil) return start.count;
        const candidates = await tx.rows<{ user_id: unknown }>(
          'SELECT DISTINCT user_id FROM sessions WHERE expires_at > ? AND expires_at <= ? AND user_id IS NOT NULL',
          [start.sweptUntil, now],
        );
        await tx.lockUsers(candidates.map((row) => toNumber(row.user_id)));
        const locked = await tx.counter(true);
        // Another replica swept meanwhile: start again from its swept_until.
        if (locked.sweptUntil !== start.sweptUntil) throw new Retry();
        const [gone] = await tx.rows<{ n: unknown }>(
          'SELECT COUNT(*) AS n FROM (SELECT DISTINCT user_id FROM sessions ' +
            'WHERE expires_at > ? AND expires_at <= ? AND user_id IS NOT NULL) expired ' +
            'WHERE NOT EXISTS (SELECT 1 FROM sessions live WHERE live.user_id = expired.user_id AND live.expires_at > ?)',
          [start.sweptUntil, now, now],
        );
        const decrement = toNumber(gone?.n ?? 0);
        await tx.rows(
          'UPDATE active_user_count SET count = count - ?, swept_until = ? WHERE id = ?',
          [decrement, now, COUNTER_ID],
        );
        return locked.count - decrement;
      }),
    );
  }

  async recount(now: number): Promise<number> {
    await this.sweepExpired(now);
    return this.withRetries(() =>
      this.transaction(async (tx) => {
        const { sweptUntil } = await tx.counter(true);
        const [row] = await tx.rows<{ n: unknown }>(
          'SELECT COUNT(DISTINCT user_id) AS n FROM sessions WHERE expires_at > ? AND user_id IS NOT NULL',
          [sweptUntil],
        );
        const count = toNumber(row?.n ?? 0);
        await tx.rows('UPDATE active_user_count SET count = ? WHERE id = ?', [count, COUNTER_ID]);
        return count;
      }),
    );
  }

  // ---- purge -----------------------------------------------------------------------------

  /**
   * Deletes rows that expired (and were swept) more than PURGE_GRACE_MS ago; SessionPurger
   * calls it every PURGE_INTERVAL_MS. Returns the number of rows deleted.
   */
  async purgeExpired(now = Date.now()): Promise<number> {
    try {
      await this.sweepExpired(now);
      return await this.exclusive(async () => {
        const [counter] = await this.dataSource.query<Array<{ swept_until: unknown }>>(
          'SELECT swept_until FROM active_user_count WHERE id = ?',
          [COUNTER_ID],
        );
        const cutoff = Math.min(toNumber(counter?.swept_until ?? 0), now - PURGE_GRACE_MS);
        const runner = this.dataSource.createQueryRunner();
        try {
          const result = await runner.query(
            'DELETE FROM sessions WHERE expires_at <= ?',
            [cutoff],
            true,
          );
          return result.affected ?? 0;
        } finally {
          await runner.release();
        }
      });
    } catch (error) {
      this.logger.warn(
        `purging expired sessions failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return 0;
    }
  }

  // ---- internals -------------------------------------------------------------------------

  private async loadSession(sid: string): Promise<SessionData | null> {
    const [row] = await this.exclusive(() =>
      this.dataSource.query<Array<{ data: string; expires_at: unknown }>>(
        'SELECT data, expires_at FROM sessions WHERE sid = ? AND expires_at > ?',
        [sid, Date.now()],
      ),
    );
    if (!row) {
      this.knownExpiry.delete(sid);
      return null;
    }
    this.remember(sid, toNumber(row.expires_at));
    return JSON.parse(row.data) as SessionData;
  }

  /** Records the expiry the database holds for `sid`, as the most recently used entry. */
  private remember(sid: string, expiresAt: number): void {
    this.knownExpiry.delete(sid);
    this.knownExpiry.set(sid, expiresAt);
    if (this.knownExpiry.size > KNOWN_EXPIRY_LIMIT) {
      const oldest = this.knownExpiry.keys().next();
      if (!oldest.done) this.knownExpiry.delete(oldest.value);
    }
  }

  /** Resolves to whether the row existed (and now holds `expiresAt`). */
  private async touchSession(sid: string, expiresAt: number, data: string): Promise<boolean> {
    const fast = await this.exclusive(async () => {
      const runner = this.dataSource.createQueryRunner();
      try {
        const result = await runner.query(
          'UPDATE sessions SET expires_at = ?, data = ? WHERE sid = ? AND expires_at > ? AND expires_at <= ?',
          [expiresAt, data, sid, Date.now() + TOUCH_FAST_PATH_MARGIN_MS, expiresAt],
          true,
        );
        return (result.affected ?? 0) > 0;
      } finally {
        await runner.release();
      }
    });
    return fast || this.change(sid, { kind: 'touch', expiresAt, data });
  }

  /**
   * Applies one session write and the count delta it causes, in one transaction. Resolves
   * to false when there was no row to touch or destroy.
   */
  private change(sid: string, change: SessionChange): Promise<boolean> {
    return this.withRetries(() =>
      this.transaction(async (tx) => {
        const current = await tx.session(sid);
        if (!current && change.kind !== 'set') return false; // nothing to touch or destroy
        const newUserId = change.kind === 'set' ? change.userId : (current?.userId ?? null);
        const users = [...new Set([current?.userId ?? null, newUserId])].filter(
          (id): id is number => id !== null,
        );
        if (users.length > 0) {
          await tx.lockUsers(users);
          // The owner could have changed before the lock was granted: start over if so.
          const again = await tx.session(sid);
          if ((again?.userId ?? null) !== (current?.userId ?? null)) throw new Retry();
        }
        const { sweptUntil } = await tx.counter();
        const before = await Promise.all(users.map((id) => tx.hasSessionAfter(id, sweptUntil)));

        if (change.kind === 'destroy') {
          await tx.rows('DELETE FROM sessions WHERE sid = ?', [sid]);
        } else if (change.kind === 'touch') {
          await tx.rows('UPDATE sessions SET expires_at = ?, data = ? WHERE sid = ?', [
            change.expiresAt,
            change.data,
            sid,
          ]);
        } else if (current) {
          await tx.rows('UPDATE sessions SET user_id = ?, expires_at = ?, data = ? WHERE sid = ?', [
            change.userId,
            change.expiresAt,
            change.data,
            sid,
          ]);
        } else {
          await tx.rows(
            'INSERT INTO sessions (sid, user_id, expires_at, data) VALUES (?, ?, ?, ?)',
            [sid, change.userId, change.expiresAt, change.data],
          );
        }

        const after = await Promise.all(users.map((id) => tx.hasSessionAfter(id, sweptUntil)));
        const delta = users.reduce((sum, _id, i) => sum + Number(after[i]) - Number(before[i]), 0);
        if (delta !== 0) await tx.addToCount(delta);
        return true;
      }),
    );
  }

  private expiryOf(data: SessionData): number {
    const expires = data.cookie?.expires;
    if (expires) return new Date(expires).getTime();
    return Date.now() + this.ttlMs;
  }

  private transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.exclusive(() =>
      this.mysql
        ? // READ COMMITTED: every statement sees the latest commits (not a snapshot taken
          // before the user lock was granted) and InnoDB takes no gap locks.
          this.dataSource.transaction('READ COMMITTED', (manager) => work(new Tx(manager, true)))
        : this.dataSource.transaction((manager) => work(new Tx(manager, false))),
    );
  }

  private async withRetries<T>(operation: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await operation();
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 5 * attempt + Math.random() * 10));
      }
    }
  }

  /** SQLite: one store operation at a time on TypeORM's single shared connection. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.mysql) return work();
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private settle(operation: Promise<unknown>, callback?: Callback): void {
    operation.then(
      () => callback?.(),
      (error: unknown) => {
        if (callback) callback(error);
        else this.logger.error(error instanceof Error ? error.message : String(error));
      },
    );
  }
}
