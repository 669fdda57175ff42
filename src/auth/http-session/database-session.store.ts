import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { LRUCache } from 'lru-cache';
import { Clock } from '../../common/clock.js';
import type { AppConfig } from '../../config/index.js';
import { ActiveUserCountRepository } from '../../sessions/active-user-count.repository.js';
import { SessionRepository } from '../../sessions/session.repository.js';
import { sessionExpiry, sessionRecord } from './session-record.js';
import type { SessionData } from './session-data.js';

/**
 * How many sessions' stored expiries the store remembers for touchAfter (least recently
 * used forgotten first). Each request's own `get` records its session's expiry just before
 * its `touch`, so this only has to cover the sessions in flight at once; a forgotten one
 * only costs a write.
 */
export const KNOWN_EXPIRY_LIMIT = 10_000;

interface KnownExpiry {
  expiresAt: number;
  capped: boolean;
}

/**
 * The session store (session-hooks.ts reads and writes through it): sessions live in the
 * database, so they survive restarts and are shared by every api replica. Reads and plain
 * touches go to SessionRepository; a log-in, a log-out or a touch near the expiry also
 * moves the active-user count, in the same transaction (ActiveUserCountRepository).
 *
 * Why not connect-typeorm: its table has only id, expiry and the JSON blob, no user-id
 * column, so counting active users would mean parsing every session.
 *
 * touchAfter (SESSION_TOUCH_AFTER_SECONDS, like connect-mongo's option): the session hooks
 * touch the session at the end of every request that loaded it. A touch writes only when
 * the new expiry is at least touchAfter later than the one the database holds, which the
 * store knows without a query: `get` reads expires_at with the data, and get/set/touch
 * remember it per sid (an LRU of KNOWN_EXPIRY_LIMIT). Trade-off: the database's expiry, the
 * one that counts, may lag the cookie's by up to touchAfter, so an idle session may end up
 * to touchAfter before its idle TTL (touchAfter is capped at half the TTL, so an active
 * session is always extended in time). A skipped touch writes nothing, so it cannot change
 * the count. Several api replicas are fine: each request's `get` reads the current expiry
 * from the database; a stale entry only ever makes a replica write when it could have
 * skipped.
 *
 * Absolute lifetime (SESSION_ABSOLUTE_TTL_SECONDS, OWASP's session cheat sheet): every
 * written expiry is capped at created_at + that lifetime (in the count's transaction, so the
 * active-user count's sweep handles it like any expiry), and `get` also refuses a session
 * created longer ago than that (the lifetime may have been lowered since the last write).
 */
@Injectable()
export class DatabaseSessionStore {
  private readonly ttlMs: number;
  private readonly touchAfterMs: number;
  /** The absolute lifetime (SESSION_ABSOLUTE_TTL_SECONDS): no expiry goes past it. */
  private readonly lifetimeMs: number;
  /**
   * sid -> expires_at the database held when this process last read or wrote it, and
   * whether that write was capped by the absolute lifetime (then no touch can move it).
   */
  private readonly knownExpiry = new LRUCache<string, KnownExpiry>({ max: KNOWN_EXPIRY_LIMIT });

  constructor(
    private readonly sessions: SessionRepository,
    private readonly count: ActiveUserCountRepository,
    private readonly clock: Clock,
    config: ConfigService<AppConfig, true>,
  ) {
    const { ttlSeconds, touchAfterSeconds, absoluteTtlSeconds } = config.get('session', {
      infer: true,
    });
    this.ttlMs = ttlSeconds * 1000;
    this.lifetimeMs = absoluteTtlSeconds * 1000;
    this.touchAfterMs = Math.min((touchAfterSeconds ?? 0) * 1000, this.ttlMs / 2);
  }

  /** The live session `sid`, or null (unknown, ended, expired, or past its absolute lifetime). */
  async get(sid: string): Promise<SessionData | null> {
    const found = await this.sessions.find(sid, this.clock.now(), this.lifetimeMs);
    if (!found) {
      this.knownExpiry.delete(sid);
      return null;
    }
    // Capped: the expiry is at the absolute lifetime's end already, no touch can move it
    // (each request reads before it touches, so this is what touch sees).
    const capped = found.createdAt !== null && found.expiresAt >= found.createdAt + this.lifetimeMs;
    this.knownExpiry.set(sid, { expiresAt: found.expiresAt, capped });
    return JSON.parse(found.data) as SessionData;
  }

  /** Writes the session (a log-in sets its owner), moving the count in the same transaction. */
  async set(sid: string, data: SessionData): Promise<void> {
    const now = this.clock.now();
    const { userId, expiresAt, data: json } = sessionRecord(data, now, this.ttlMs);
    const written = await this.count.applySessionChange(sid, {
      kind: 'set',
      userId,
      expiresAt,
      data: json,
      now,
      lifetimeMs: this.lifetimeMs,
    });
    this.remember(sid, expiresAt, written ?? expiresAt);
  }

  /** Moves the session's expiry (rolling), unless the stored one is recent enough (touchAfter). */
  async touch(sid: string, data: SessionData): Promise<void> {
    const now = this.clock.now();
    const expiresAt = sessionExpiry(data, now, this.ttlMs);
    const stored = this.knownExpiry.get(sid);
    if (
      this.touchAfterMs > 0 &&
      stored !== undefined &&
      (stored.capped || expiresAt - stored.expiresAt < this.touchAfterMs)
    ) {
      // The stored expiry is recent enough, or already at the absolute lifetime's end: no
      // write (see touchAfter above).
      return;
    }
    // Serialized only for a write: most touches write nothing.
    const written = await this.sessions.touch(sid, expiresAt, JSON.stringify(data), {
      now,
      lifetimeMs: this.lifetimeMs,
    });
    if (written === null) this.knownExpiry.delete(sid);
    else this.remember(sid, expiresAt, written);
  }

  /** Deletes the session (a log-out), moving the count in the same transaction. */
  async destroy(sid: string): Promise<void> {
    this.knownExpiry.delete(sid);
    try {
      await this.count.applySessionChange(sid, { kind: 'destroy' });
    } finally {
      this.knownExpiry.delete(sid);
    }
  }

  /** Records what a write stored: `written`, capped when less than the `requested` expiry. */
  private remember(sid: string, requested: number, written: number): void {
    this.knownExpiry.set(sid, { expiresAt: written, capped: written < requested });
  }
}
