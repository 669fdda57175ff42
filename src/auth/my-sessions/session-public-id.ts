import { createHash } from 'node:crypto';

/** What a public session id looks like: 32 lower-case hex digits. */
export const SESSION_PUBLIC_ID_PATTERN = '^[0-9a-f]{32}$';

/**
 * The id a user sees for one of their sessions (GET /auth/sessions, DELETE
 * /auth/sessions/{id}). Never the session id itself: that is the cookie's secret, and
 * whoever reads it (a shared screen, a log, a browser extension) could ride the session.
 * SHA-256 cannot be turned back into the 192-bit random sid, and it needs no column, no
 * backfill and no secret (replicas agree without sharing one). Truncated to 128 bits.
 */
export function sessionPublicId(sid: string): string {
  return createHash('sha256').update(`kiada-session:${sid}`).digest('hex').slice(0, 32);
}
