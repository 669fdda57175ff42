import type { FastifyRequest } from 'fastify';
import type { AuthenticatedUser } from '../authenticated-user.js';

/** What AuthService needs of one HTTP request's login session. */
export interface LoginSession {
  /**
   * Starts a session for `user` under a new session id and saves it before resolving.
   * passport 0.7's req.logIn regenerates the session (a planted id is worthless: no
   * fixation), stores the user and saves it, so the session row is committed by then.
   */
  establish(user: AuthenticatedUser): Promise<void>;
  /** Destroys the session (its row is deleted before this resolves). */
  destroy(): Promise<void>;
}

/** passport's additions to a request it authenticated (LocalAuthGuard ran passport-local). */
interface PassportRequest {
  logIn?(user: AuthenticatedUser, done: (error: unknown) => void): void;
}

/** The login session of a request (session-hooks.ts + passport). */
export function loginSessionOf(request: FastifyRequest): LoginSession {
  return {
    establish: (user) =>
      new Promise<void>((resolve, reject) => {
        const { logIn } = request as FastifyRequest & PassportRequest;
        if (!logIn) return reject(new Error('passport has not authenticated this request'));
        logIn.call(request, user, (error: unknown) => (error ? reject(error) : resolve()));
      }),
    destroy: () =>
      new Promise<void>((resolve, reject) => {
        const session = request.session;
        if (!session) return resolve();
        session.destroy((error: unknown) => (error ? reject(error) : resolve()));
      }),
  };
}
