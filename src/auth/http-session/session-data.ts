/**
 * What a session row's `data` column holds: express-session's JSON shape (the cookie's
 * settings and passport's user), kept as it was so that rows written before the move to
 * Fastify read as they are, and rows written now read on an older release.
 */
export interface SessionCookieData {
  originalMaxAge: number | null;
  /** When the cookie (and the idle session) expires: an ISO string in JSON, a Date in memory. */
  expires?: string | Date | null;
  secure?: boolean;
  httpOnly?: boolean;
  path?: string;
  sameSite?: 'lax' | 'strict' | 'none' | boolean;
}

export interface SessionData {
  cookie: SessionCookieData;
  /** passport's part: the logged-in user as SessionSerializer writes it. */
  passport?: { user?: unknown };
}
