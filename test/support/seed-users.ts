import { createHash, randomBytes } from 'node:crypto';
import type { Connection } from 'mysql2/promise';
import type { AuthenticatedUser } from '../../src/auth/authenticated-user.js';
import {
  loggedInSessionData,
  sessionRecord,
  type SessionRecord,
} from '../../src/auth/http-session/session-record.js';
import { withConnection } from './database.js';

/**
 * Bulk seeding of users and live sessions straight into the tables (a login per user over
 * HTTP would take one scrypt hash each). A seeded session is the app's own record of a
 * logged-in user (src/auth/http-session/session-record.ts), so the app reads it like one of its
 * own; the app's start-up recount (or the next full recount) counts the seeded users.
 */

/** users.password_hash of seeded users who never log in with a password. */
export const NO_PASSWORD_HASH = 'seeded-without-password';
const CHUNK = 5_000;

export interface SeededUser {
  id: number;
  username: string;
  /** The session id, when the user was given a session. */
  sid?: string;
}

export interface InsertUsersOptions {
  /** Usernames are `<prefix><random tag>-<n>`, unique across calls. */
  prefix?: string;
  /** A real hash (ScryptPasswordHasher) lets the users log in over HTTP. */
  passwordHash?: string;
  /** Give each user one live session with this idle TTL, as a login at this moment would. */
  sessionTtlMs?: number;
  /** Explicit ids from this one up (default: AUTO_INCREMENT), e.g. above a range fillActiveUsers fills later. */
  firstId?: number;
}

/** The row DatabaseSessionStore writes when `user` logs in at `now` (sessions table). */
export function loggedInSessionRecord(
  user: AuthenticatedUser,
  now: number,
  ttlMs: number,
): SessionRecord {
  return sessionRecord(loggedInSessionData(user, now + ttlMs, ttlMs), now, ttlMs);
}

async function insertSessions(
  connection: Connection,
  sessions: Array<{ sid: string; record: SessionRecord }>,
): Promise<void> {
  await connection.query('INSERT INTO sessions (sid, user_id, expires_at, data) VALUES ?', [
    sessions.map(({ sid, record }) => [sid, record.userId, record.expiresAt, record.data]),
  ]);
}

const newSessionId = () => randomBytes(24).toString('base64url');

/**
 * Inserts `count` users (ids from AUTO_INCREMENT, so the app may sign users up meanwhile)
 * and, with `sessionTtlMs`, one live session each. Returns the users in insertion order.
 */
export async function insertUsers(
  databaseUrl: string,
  count: number,
  {
    prefix = 'seeded-',
    passwordHash = NO_PASSWORD_HASH,
    sessionTtlMs,
    firstId,
  }: InsertUsersOptions = {},
): Promise<SeededUser[]> {
  const seeded: SeededUser[] = [];
  await withConnection(databaseUrl, async (connection) => {
    const tag = randomBytes(4).toString('hex');
    const now = Date.now();
    for (let offset = 0; offset < count; offset += CHUNK) {
      const names = Array.from(
        { length: Math.min(CHUNK, count - offset) },
        (_, i) => `${prefix}${tag}-${offset + i + 1}`,
      );
      if (firstId === undefined) {
        await connection.query('INSERT INTO users (username, password_hash, created_at) VALUES ?', [
          names.map((name) => [name, passwordHash, now]),
        ]);
      } else {
        await connection.query(
          'INSERT INTO users (id, username, password_hash, created_at) VALUES ?',
          [names.map((name, i) => [firstId + offset + i, name, passwordHash, now])],
        );
      }
      const [found] = await connection.query(
        'SELECT id, username FROM users WHERE username IN (?)',
        [names],
      );
      const byName = new Map(
        (found as Array<{ id: unknown; username: string }>).map((row) => [
          row.username,
          Number(row.id),
        ]),
      );
      const users: SeededUser[] = names.map((username) => ({
        id: byName.get(username)!,
        username,
      }));
      if (sessionTtlMs !== undefined) {
        for (const user of users) user.sid = newSessionId();
        await insertSessions(
          connection,
          users.map((user) => ({
            sid: user.sid!,
            record: loggedInSessionRecord({ ...user, createdAt: now }, now, sessionTtlMs),
          })),
        );
      }
      seeded.push(...users);
    }
  });
  return seeded;
}

/** `count` users, each holding one live session (ttlMs), as if each had just logged in. */
export function seedActiveUsers(
  databaseUrl: string,
  count: number,
  ttlMs: number,
): Promise<SeededUser[]> {
  return insertUsers(databaseUrl, count, { sessionTtlMs: ttlMs });
}

/**
 * The SQL expression of a logged-in session's data for user `<column>` named
 * `<usernamePrefix><column>`: the app's own record of a sample user, with the id cut out and
 * spliced back in by CONCAT. Checked against a second sample, so a change of the app's
 * encoding that this splicing cannot follow fails here instead of seeding wrong rows.
 */
function sessionDataExpression(
  column: string,
  usernamePrefix: string,
  now: number,
  ttlMs: number,
): { sql: string; params: string[]; expiresAt: number } {
  const sample = (id: number) =>
    loggedInSessionRecord({ id, username: `${usernamePrefix}${id}`, createdAt: now }, now, ttlMs);
  const [markA, markB] = [987_654_321_017, 987_654_321_023];
  const a = sample(markA);
  const pieces = a.data.split(String(markA));
  if (pieces.join(String(markB)) !== sample(markB).data || a.userId !== markA) {
    throw new Error('the session encoding cannot be spliced in SQL: seed with insertUsers instead');
  }
  const sql = `CONCAT(${pieces.map(() => '?').join(`, ${column}, `)})`;
  return { sql, params: pieces, expiresAt: a.expiresAt };
}

/** The session id fillActiveUsers gives user `id` (sign it for a cookie). */
export function filledSessionId(id: number): string {
  return createHash('sha256').update(`seeded-${id}`).digest('hex');
}

/**
 * Fills users `<usernamePrefix><id>` with ids (fromId, toId], each with one live session
 * (id: filledSessionId), inside the server with MariaDB's Sequence engine (1M rows in
 * seconds); without it, in client-side batches. For a fresh database (explicit ids).
 * `onProgress` is told the highest id filled after each batch of 100,000.
 */
export async function fillActiveUsers(
  databaseUrl: string,
  fromId: number,
  toId: number,
  ttlMs: number,
  usernamePrefix = 'count-',
  onProgress?: (filledTo: number) => void,
): Promise<void> {
  await withConnection(databaseUrl, async (connection) => {
    const now = Date.now();
    let sequenceEngine = true;
    try {
      await connection.query('SELECT seq FROM seq_1_to_2');
    } catch {
      sequenceEngine = false;
    }
    const STEP = 100_000;
    for (let lo = fromId; lo < toId; lo += STEP) {
      const hi = Math.min(toId, lo + STEP);
      if (sequenceEngine) {
        await connection.query(
          `INSERT INTO users (id, username, password_hash, created_at)
           SELECT seq, CONCAT(?, seq), ?, ? FROM seq_${lo + 1}_to_${hi}`,
          [usernamePrefix, NO_PASSWORD_HASH, now],
        );
        const data = sessionDataExpression('seq', usernamePrefix, now, ttlMs);
        await connection.query(
          `INSERT INTO sessions (sid, user_id, expires_at, data)
           SELECT SHA2(CONCAT('seeded-', seq), 256), seq, ?, ${data.sql}
           FROM seq_${lo + 1}_to_${hi}`,
          [data.expiresAt, ...data.params],
        );
        onProgress?.(hi);
        continue;
      }
      for (let a = lo; a < hi; a += CHUNK) {
        const ids = Array.from({ length: Math.min(CHUNK, hi - a) }, (_, i) => a + i + 1);
        await connection.query(
          'INSERT INTO users (id, username, password_hash, created_at) VALUES ?',
          [ids.map((id) => [id, `${usernamePrefix}${id}`, NO_PASSWORD_HASH, now])],
        );
        await insertSessions(
          connection,
          ids.map((id) => ({
            sid: filledSessionId(id),
            record: loggedInSessionRecord(
              { id, username: `${usernamePrefix}${id}`, createdAt: now },
              now,
              ttlMs,
            ),
          })),
        );
      }
      onProgress?.(hi);
    }
  });
}
