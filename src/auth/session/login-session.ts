import type { Request } from 'express';
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

/** The login session of an Express request (express-session + passport). */
export function loginSessionOf(request: Request): LoginSession {
  return {
    establish: (user) =>
      new Promise<void>((resolve, reject) =>
        request.logIn(user, (error: unknown) => (error ? reject(error) : resolve())),
      ),
    destroy: () =>
      new Promise<void>((resolve, reject) =>
        request.session.destroy((error: unknown) => (error ? reject(error) : resolve())),
      ),
  };
}
