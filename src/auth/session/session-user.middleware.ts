import type { NextFunction, Request, Response } from 'express';
import type { SessionSerializer } from './session.serializer.js';

interface PassportSession {
  passport?: { user?: unknown };
}

/**
 * Puts the session's user on `req.user`, as `passport.session()` does, without passport's
 * per-request machinery (its session strategy, the serializer chain of the process-wide
 * singleton, a closure per request): the session already holds the user as /auth/me returns
 * it, so this is a field copy (SessionSerializer.deserializeUser). Measured on GET /auth/me:
 * docs/benchmarks.md. passport itself still runs the log-in (passport-local, req.logIn).
 * A session whose user no longer deserializes loses it, as with passport.
 */
export function sessionUser(serializer: SessionSerializer) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const session = req.session as (typeof req.session & PassportSession) | undefined;
    const value = session?.passport?.user;
    if (value === undefined) return next();
    serializer.deserializeUser(value, (error, user) => {
      if (error) return next(error);
      if (user) req.user = user;
      else delete session!.passport!.user;
      next();
    });
  };
}
