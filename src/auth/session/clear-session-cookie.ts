import type { Request, Response } from 'express';
import { SESSION_COOKIE_NAME } from '../auth.constants.js';

/** Tells the browser to drop the session cookie (same attributes as AuthModule sets it). */
export function clearSessionCookie(request: Request, response: Response): void {
  response.clearCookie(SESSION_COOKIE_NAME, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: request.secure,
  });
}
