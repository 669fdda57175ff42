import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_COOKIE_NAME } from '../auth.constants.js';
import { serializeSessionCookie } from './session-cookie.js';

/** Tells the browser to drop the session cookie (same attributes as the session hooks set). */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.header(
    'set-cookie',
    serializeSessionCookie(SESSION_COOKIE_NAME, '', {
      expires: new Date(0),
      secure: request.protocol === 'https',
    }),
  );
}
