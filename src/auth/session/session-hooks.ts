import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/error-message.js';
import type { AuthenticatedUser } from '../authenticated-user.js';
import type { DatabaseSessionStore } from './database-session.store.js';
import { RequestSession, type SessionHost } from './request-session.js';
import {
  readCookie,
  serializeSessionCookie,
  signedCookieValue,
  verifiedSessionId,
} from './session-cookie.js';
import type { SessionData } from './session-data.js';
import type { SessionSerializer } from './session.serializer.js';

export interface SessionHooksOptions {
  cookieName: string;
  secret: string;
  /** Idle lifetime (SESSION_TTL_SECONDS), ms: every response moves the expiry this far out. */
  ttlMs: number;
  store: DatabaseSessionStore;
  serializer: SessionSerializer;
  clock: Clock;
  /** Routes (Fastify's route URL) served without a session: no cookie read, no query. */
  withoutSession: ReadonlySet<string>;
}

/**
 * Database sessions on Fastify, in two hooks: `preHandler` reads the signed cookie, loads
 * the session (one query) and puts its user on `request.user`; `onSend` moves the expiry
 * (the store's touch, which writes at most once per SESSION_TOUCH_AFTER_SECONDS) and sends
 * the cookie again with the new expiry (rolling idle timeout).
 *
 * Why our own rather than @fastify/session: the cookie must stay express-session's
 * (`s:` + cookie-signature, see session-cookie.ts) so sessions survive the upgrade, and
 * per request we want no more than the query: @fastify/session (like express-session)
 * hashes the session twice per request to see whether it changed and re-signs the cookie
 * on every response. Here a change is known (passport saves explicitly; RequestSession
 * tracks the rest), and a rolling cookie reuses the value the client sent, whose signature
 * was just checked. Measured: docs/benchmarks.md ("GET /auth/me").
 *
 * Semantics kept from express-session (resave: false, saveUninitialized: false, rolling):
 * a session is written only when passport logs in (regenerate + save: a new id), a request
 * without a stored session gets no cookie, a destroyed session gets none either (log-out
 * clears it, clear-session-cookie.ts), and the cookie is HttpOnly, SameSite=Lax, Secure
 * when the request came over TLS (request.protocol: TRUST_PROXY decides whether
 * X-Forwarded-Proto counts).
 */
export function registerSessionHooks(fastify: FastifyInstance, options: SessionHooksOptions): void {
  const { cookieName, secret, ttlMs, store, serializer, clock, withoutSession } = options;
  const logger = new Logger('Session');

  const cookieFor = (session: RequestSession): SessionData['cookie'] => ({
    originalMaxAge: ttlMs,
    expires: new Date(clock.now() + ttlMs),
    secure: session.cookie.secure === true,
    httpOnly: true,
    path: '/',
    sameSite: 'lax',
  });

  const host: SessionHost = {
    save: (sid, session) => {
      session.cookie = cookieFor(session);
      return new Promise((resolve, reject) =>
        store.set(sid, session, (error) => (error ? reject(error) : resolve())),
      );
    },
    destroy: (sid) =>
      new Promise((resolve, reject) =>
        store.destroy(sid, (error) => (error ? reject(error) : resolve())),
      ),
  };

  const load = (sid: string) =>
    new Promise<SessionData | null>((resolve, reject) =>
      store.get(sid, (error, data) => (error ? reject(error) : resolve(data ?? null))),
    );

  const deserialize = (value: unknown) =>
    new Promise<AuthenticatedUser | false | undefined>((resolve, reject) =>
      serializer.deserializeUser(value, (error, user) => (error ? reject(error) : resolve(user))),
    );

  fastify.decorateRequest('session', undefined);
  fastify.decorateRequest('user', undefined);

  fastify.addHook('preHandler', async (request) => {
    if (request.is404 || withoutSession.has(request.routeOptions.url ?? '')) return;
    const secure = request.protocol === 'https';
    const value = readCookie(request.headers.cookie, cookieName);
    const sid = value === undefined ? undefined : verifiedSessionId(value, secret);
    const data = sid === undefined ? null : await load(sid);
    const session = data
      ? new RequestSession(host, request, data, sid, value)
      : new RequestSession(host, request, undefined);
    session.cookie.secure = secure;
    request.session = session;
    if (!data) return;
    const serialized = session.serializedUser;
    if (serialized === undefined) return;
    const user = await deserialize(serialized);
    if (user) request.user = user;
    else session.dropUser();
  });

  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
    const session = request.session;
    if (!session?.isStored) return payload;
    try {
      if (session.isModified) {
        await host.save(session.id, session);
      } else if (!session.isSaved) {
        session.cookie = cookieFor(session);
        await new Promise<void>((resolve, reject) =>
          store.touch(session.id, session, (error) => (error ? reject(error) : resolve())),
        );
      }
    } catch (error) {
      // The response is made; the session keeps its stored expiry (as express-session).
      logger.error(`moving the session's expiry failed: ${errorMessage(error)}`);
    }
    // The value the client sent, when it is this session's: no re-signing per request.
    const value = session.cookieValue ?? signedCookieValue(session.id, secret);
    reply.header(
      'set-cookie',
      serializeSessionCookie(cookieName, value, {
        expires: new Date(session.cookie.expires!),
        secure: session.cookie.secure === true,
      }),
    );
    return payload;
  });
}
