import { Logger } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Clock } from '../../common/clock.js';
import { errorMessage } from '../../common/error-message.js';
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

/** How many verified cookie values (one per live client) the hooks remember. */
const VERIFIED_COOKIES_LIMIT = 10_000;

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
      return store.set(sid, session);
    },
    destroy: (sid) => store.destroy(sid),
  };

  /**
   * Cookie values whose signature was checked -> their session id: a client sends the same
   * value on every request, so its HMAC is computed once per process, not per request.
   * Only exact values that verified are kept; a forged one never gets in.
   */
  const verified = new LRUCache<string, string>({ max: VERIFIED_COOKIES_LIMIT });
  const sessionIdOf = (value: string): string | undefined => {
    const known = verified.get(value);
    if (known !== undefined) return known;
    const sid = verifiedSessionId(value, secret);
    if (sid !== undefined) verified.set(value, sid);
    return sid;
  };

  fastify.decorateRequest('session', undefined);
  fastify.decorateRequest('user', undefined);

  // Callback-style hooks (not async): the store's one promise is the only one per request.
  fastify.addHook('preHandler', (request, _reply, done) => {
    if (request.is404 || withoutSession.has(request.routeOptions.url ?? '')) return done();
    const secure = request.protocol === 'https';
    const value = readCookie(request.headers.cookie, cookieName);
    const sid = value === undefined ? undefined : sessionIdOf(value);
    const fresh = () => {
      const session = new RequestSession(host, request, undefined);
      session.cookie.secure = secure;
      request.session = session;
      done();
    };
    if (sid === undefined) return fresh();
    store.get(sid).then((data) => {
      if (!data) return fresh();
      const session = new RequestSession(host, request, data, sid, value);
      session.cookie.secure = secure;
      request.session = session;
      const serialized = session.serializedUser;
      if (serialized === undefined) return done();
      serializer.deserializeUser(serialized, (failure, user) => {
        if (failure) return done(failure as Error);
        if (user) request.user = user;
        else session.dropUser();
        done();
      });
    }, done);
  });

  fastify.addHook('onSend', (request, reply, payload, done) => {
    const session = request.session;
    if (!session?.isStored) return done(null, payload);
    const sendCookie = (error?: unknown) => {
      // On a failed write the response still goes out; the session keeps its stored expiry.
      if (error) logger.error(`moving the session's expiry failed: ${errorMessage(error)}`);
      // The value the client sent, when it is this session's: no re-signing per request.
      const value = session.cookieValue ?? signedCookieValue(session.id, secret);
      reply.header(
        'set-cookie',
        serializeSessionCookie(cookieName, value, {
          expires: new Date(session.cookie.expires!),
          secure: session.cookie.secure === true,
        }),
      );
      done(null, payload);
    };
    if (session.isModified) {
      host.save(session.id, session).then(() => sendCookie(), sendCookie);
    } else if (!session.isSaved) {
      session.cookie = cookieFor(session);
      store.touch(session.id, session).then(() => sendCookie(), sendCookie);
    } else {
      sendCookie();
    }
  });
}
