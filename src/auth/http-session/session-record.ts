import type { SessionData } from './session-data.js';
import type { AuthenticatedUser } from '../authenticated-user.js';
import { sessionUserId } from './session.serializer.js';

/** What DatabaseSessionStore keeps of one session: owner and expiry as columns, and the JSON. */
export interface SessionRecord {
  userId: number | null;
  /** Epoch ms. */
  expiresAt: number;
  data: string;
}

/**
 * The record of a session (express-session's data shape, session-data.ts): the owner is
 * passport's user (either shape, see sessionUserId), the expiry the cookie's (or
 * `now + ttlMs` for a session without one).
 */
export function sessionRecord(data: SessionData, now: number, ttlMs: number): SessionRecord {
  return {
    userId: sessionUserId(data.passport?.user),
    expiresAt: sessionExpiry(data, now, ttlMs),
    data: JSON.stringify(data),
  };
}

/** The expiry of a session (epoch ms): its cookie's, or `now + ttlMs` without one. */
export function sessionExpiry(data: SessionData, now: number, ttlMs: number): number {
  const expires = data.cookie?.expires;
  if (expires instanceof Date) return expires.getTime();
  return expires ? new Date(expires).getTime() : now + ttlMs;
}

/**
 * The session data of a logged-in user exactly as a real login stores it (cookie settings
 * of AuthModule, passport's user as SessionSerializer writes it). For seeding many live
 * sessions straight into the table in tests and benchmarks.
 */
export function loggedInSessionData(
  user: AuthenticatedUser,
  expiresAt: number,
  ttlMs: number,
): SessionData {
  return {
    cookie: {
      originalMaxAge: ttlMs,
      expires: new Date(expiresAt),
      secure: false,
      httpOnly: true,
      path: '/',
      sameSite: 'lax',
    },
    passport: { user: { id: user.id, username: user.username, createdAt: user.createdAt } },
  } as unknown as SessionData;
}
