import { Injectable, Logger, NotFoundException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/error-message.js';
import type { AppConfig } from '../../config/index.js';
import { ActiveUserCountRepository } from '../../sessions/active-user-count.repository.js';
import { AuthEvents } from '../../sessions/auth-events.js';
import { SessionRepository, type UserSession } from '../../sessions/session.repository.js';
import { sessionPublicId } from './session-public-id.js';

/** One of a user's sessions, named by its public id. */
export interface ListedSession extends UserSession {
  publicId: string;
}

/** The message of every 404 of DELETE /auth/sessions/{id}: unknown, ended or someone else's. */
export const SESSION_NOT_FOUND =
  'No session of yours has this id: list them with GET /auth/sessions.';

/**
 * A user's view of their own sessions: list them, end one, end all. Ending sessions goes
 * through ActiveUserCountRepository, which moves the count in the same transaction;
 * each end is reported as a `logout` AuthEvent, after it is committed, like POST /auth/logout.
 */
@Injectable()
export class MySessionsService {
  private readonly logger = new Logger(MySessionsService.name);
  private readonly lifetimeMs: number;

  constructor(
    private readonly sessions: SessionRepository,
    private readonly count: ActiveUserCountRepository,
    private readonly events: AuthEvents,
    private readonly clock: Clock,
    config: ConfigService<AppConfig, true>,
  ) {
    this.lifetimeMs = config.get('session', { infer: true }).absoluteTtlSeconds * 1000;
  }

  /**
   * Records the User-Agent of a new session for the list. Cosmetic: a failure is logged and
   * the log-in stands (its session is already committed).
   */
  async describe(sid: string, userAgent: string | undefined): Promise<void> {
    if (!userAgent) return;
    try {
      await this.sessions.recordUserAgent(sid, userAgent);
    } catch (error) {
      this.logger.warn(`recording the User-Agent of a new session failed: ${errorMessage(error)}`);
    }
  }

  async list(userId: number): Promise<ListedSession[]> {
    const sessions = await this.sessions.listOf(userId, this.clock.now(), this.lifetimeMs);
    return sessions.map((session) => ({ ...session, publicId: sessionPublicId(session.sid) }));
  }

  /**
   * The session id of `userId`'s live session named `publicId`; 404 for anything else
   * (another user's session looks exactly like one that never existed).
   */
  async resolve(userId: number, publicId: string): Promise<string> {
    const found = (await this.list(userId)).find((session) => session.publicId === publicId);
    if (!found) throw new NotFoundException(SESSION_NOT_FOUND);
    return found.sid;
  }

  /** Ends one session of `userId` by its session id (from `resolve`). */
  async end(userId: number, sid: string): Promise<void> {
    await this.count.applySessionChange(sid, { kind: 'destroy' });
    this.events.emit({ type: 'logout', userId });
  }

  /** Ends every session of `userId`; resolves to how many there were. */
  async endAll(userId: number): Promise<number> {
    const ended = await this.count.destroyUserSessions(userId);
    this.events.emit({ type: 'logout', userId });
    return ended;
  }
}
