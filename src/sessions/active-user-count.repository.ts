import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { RetryTransaction, TransactionRunner } from '../database/transaction-runner.js';
import { ActiveUserCountSource } from './active-user-count.source.js';
import { CountMaintenanceClaims } from './count-maintenance-claims.js';
import type { MaintenanceJob, MaintenanceSchedule } from './count-maintenance.js';
import { COUNTER_ID, SessionSql, toNumber } from './session-sql.js';

/** User ids per slice of the recount's scan (MySQL, TiDB), each followed by a pause. */
export const RECOUNT_SLICE_USERS = 20_000;

/**
 * When a write happens and how long a session may live in all: a written expiry never
 * passes created_at + lifetimeMs (the absolute lifetime, SESSION_ABSOLUTE_TTL_SECONDS).
 */
export interface SessionWriteTime {
  /** Epoch ms of the write (created_at of a new row, last_seen_at of every row written). */
  now: number;
  lifetimeMs: number;
}

/** A change of one session row, as express-session asks for it. */
export type SessionChange =
  | ({ kind: 'set'; userId: number | null; expiresAt: number; data: string } & SessionWriteTime)
  | ({ kind: 'touch'; expiresAt: number; data: string } & SessionWriteTime)
  | { kind: 'destroy' };

/**
 * The active-user count (table `active_user_count`: the sum of its COUNTER_STRIPES rows; the
 * first also holds swept_until) and the one invariant it obeys:
 *
 *     count = number of users with a session whose expires_at > swept_until
 *
 * This is where the count changes; nothing else writes it.
 * - `applySessionChange` (log-in, log-out, a touch that extends a session) and
 *   `destroyUserSessions` (log out everywhere, or one of the user's sessions) lock the
 *   affected user row(s) (MySQL: SELECT ... FOR UPDATE), reads whether each user held such
 *   a session before and after the write, and adds the difference, all in one transaction.
 *   So +1 happens only for a user's first live session and -1 only when the last one goes;
 *   two concurrent first logins of one user serialize on the user row, so only one adds.
 * - `sweepExpired(now)` advances swept_until to `now`: only users holding a session with
 *   expires_at in (swept_until, now] can change (index on expires_at), and each is
 *   uncounted only if it has no session left after `now`, so a session extended by a touch
 *   (rolling) keeps its user counted. Cost follows the number of expirations.
 * - `recount(now)` sweeps, then repairs drift without taking a lock: in one consistent
 *   snapshot (TransactionRunner.snapshot) it reads the kept count K and swept_until S and
 *   counts the users C holding a session that expires after S, then adds C - K in one
 *   single-row UPDATE. Every count write committed after the snapshot changed the kept count
 *   by exactly what it changed the live users by (above), so C - K is still the error when
 *   it lands: writes during the scan neither wait for it nor get lost or doubled. The UPDATE
 *   applies only if no other recount's correction landed since the snapshot (`recounts`).
 * - `claimMaintenance` lets one api replica per period sweep or recount
 *   (CountMaintenanceClaims).
 * - A delta goes to one stripe (its connection's), so concurrent log-ins and log-outs on
 *   different connections do not queue for one row lock; a sweep locks the first row.
 * - The purge (SessionRepository) deletes only rows that expired before swept_until.
 *
 * Lock order everywhere: user rows (ascending id, in one statement per 500), then counter
 * rows; a recount takes none. `now` passed to sweeps must be the wall clock (never ahead of
 * it), since new sessions are compared against swept_until. Reading the count is a 16-row
 * primary-key read.
 */
@Injectable()
export class ActiveUserCountRepository extends ActiveUserCountSource {
  private readonly logger = new Logger(ActiveUserCountRepository.name);

  constructor(
    private readonly runner: TransactionRunner,
    private readonly claims: CountMaintenanceClaims,
    private readonly clock: Clock,
  ) {
    super();
  }

  async read(): Promise<number> {
    const [row] = await this.runner.query<Array<{ count: unknown }>>(
      'SELECT SUM(count) AS count FROM active_user_count',
      [],
    );
    return row?.count === null || row?.count === undefined ? 0 : toNumber(row.count);
  }

  /** swept_until: sessions that expired up to then are no longer counted. */
  async sweptUntil(): Promise<number> {
    const [row] = await this.runner.query<Array<{ swept_until: unknown }>>(
      'SELECT swept_until FROM active_user_count WHERE id = ?',
      [COUNTER_ID],
    );
    return toNumber(row?.swept_until ?? 0);
  }

  sweepExpired(now: number): Promise<number> {
    return this.transaction(async (sql) => {
      const start = await sql.counter();
      if (now <= start.sweptUntil) return start.count;
      await sql.lockUsers(await sql.usersExpiringBetween(start.sweptUntil, now));
      const locked = await sql.counter(true);
      // Another replica swept meanwhile: start again from its swept_until.
      if (locked.sweptUntil !== start.sweptUntil) throw new RetryTransaction();
      const gone = await sql.usersGoneBetween(start.sweptUntil, now);
      await sql.recordSweep(gone, now);
      return locked.count - gone;
    });
  }

  async recount(now: number): Promise<number> {
    await this.sweepExpired(now);
    const snapshot = await this.runner.snapshot(async (manager) => {
      const sql = SessionSql.of(manager, this.runner);
      const kept = await sql.counter();
      return { ...kept, live: await this.countLiveUsers(sql, kept.sweptUntil) };
    });
    const correction = snapshot.live - snapshot.count;
    if (correction !== 0) {
      const applied = await this.runner.affected(
        'UPDATE active_user_count SET count = count + ?, recounts = recounts + 1 ' +
          'WHERE id = ? AND recounts = ?',
        [correction, COUNTER_ID, snapshot.recounts],
      );
      // Else another recount's correction landed since the snapshot: it repaired this drift.
      if (applied > 0) {
        this.logger.warn(
          `Recount repaired the active-user count by ${correction > 0 ? '+' : ''}${correction} ` +
            `(kept ${snapshot.count}, counted ${snapshot.live}): sessions were written ` +
            'outside the app, or a count write was lost',
        );
      }
    }
    return this.read();
  }

  /**
   * The users holding a session that expires after `sweptUntil`, inside the recount's
   * snapshot. On MySQL and TiDB in slices of RECOUNT_SLICE_USERS user ids, each followed by a
   * pause as long as the slice took: the scan uses at most half of a database core, so the
   * count writes beside it keep theirs (measured on 2 cores: log-out p99.9 x 2.02 during
   * back-to-back recounts at 1,000,000 sessions in one statement). The snapshot keeps the
   * slices consistent with each other. SQLite counts in one statement: its one connection
   * would be held through the pauses.
   */
  private async countLiveUsers(sql: SessionSql, sweptUntil: number): Promise<number> {
    if (!this.runner.mysql) return sql.countUsersWithSessionAfter(sweptUntil);
    let live = 0;
    for (let from = await sql.firstUserAfter(-1); from !== null;) {
      const to = from + RECOUNT_SLICE_USERS - 1;
      const started = this.clock.now();
      live += await sql.countUsersWithSessionAfter(sweptUntil, from, to);
      const took = this.clock.now() - started;
      if (took > 0) await this.clock.sleep(took);
      from = await sql.firstUserAfter(to);
    }
    return live;
  }

  claimMaintenance(now: number, schedule: MaintenanceSchedule): Promise<MaintenanceJob | null> {
    return this.claims.claim(now, schedule);
  }

  /**
   * Applies one session write and the count delta it causes, in one transaction. Resolves
   * to the expiry the row holds afterwards (destroy: the one it held), or null when there
   * was no row to touch or destroy.
   */
  applySessionChange(sid: string, change: SessionChange): Promise<number | null> {
    return this.transaction(async (sql) => {
      const current = await sql.session(sid);
      if (!current && change.kind !== 'set') return null; // nothing to touch or destroy
      const newUserId = change.kind === 'set' ? change.userId : (current?.userId ?? null);
      const users = [...new Set([current?.userId ?? null, newUserId])].filter(
        (id): id is number => id !== null,
      );
      if (users.length > 0) {
        await sql.lockUsers(users);
        // The owner could have changed before the lock was granted: start over if so.
        const again = await sql.session(sid);
        if ((again?.userId ?? null) !== (current?.userId ?? null)) throw new RetryTransaction();
      }
      const { sweptUntil } = await sql.counter();
      const before = await Promise.all(users.map((id) => sql.hasSessionAfter(id, sweptUntil)));

      let expiresAt = current?.expiresAt ?? 0;
      if (change.kind === 'destroy') {
        await sql.deleteSession(sid);
      } else {
        // The absolute lifetime caps the expiry here, so the count's invariant (which
        // follows expires_at) covers it: no separate expiry to sweep.
        const createdAt = current?.createdAt ?? change.now;
        const row = {
          userId: newUserId,
          expiresAt: Math.min(change.expiresAt, createdAt + change.lifetimeMs),
          data: change.data,
          createdAt,
          lastSeenAt: change.now,
        };
        if (current) await sql.updateSession(sid, row);
        else await sql.insertSession(sid, row);
        expiresAt = row.expiresAt;
      }

      const after = await Promise.all(users.map((id) => sql.hasSessionAfter(id, sweptUntil)));
      const delta = users.reduce((sum, _id, i) => sum + Number(after[i]) - Number(before[i]), 0);
      if (delta !== 0) await sql.addToCount(delta);
      return expiresAt;
    });
  }

  /**
   * Deletes every session of `userId` (log out everywhere) and the count delta it causes,
   * in one transaction. Resolves to the number of sessions deleted.
   */
  destroyUserSessions(userId: number): Promise<number> {
    return this.transaction(async (sql) => {
      await sql.lockUsers([userId]);
      const { sweptUntil } = await sql.counter();
      const before = await sql.hasSessionAfter(userId, sweptUntil);
      const deleted = await sql.deleteSessionsOf(userId);
      if (before) await sql.addToCount(-1);
      return deleted;
    });
  }

  private transaction<T>(work: (sql: SessionSql) => Promise<T>): Promise<T> {
    return this.runner.transaction((manager) => work(SessionSql.of(manager, this.runner)));
  }
}
