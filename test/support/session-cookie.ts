import signature from 'cookie-signature';
import { SESSION_COOKIE_NAME } from '../../src/auth/auth.constants.js';

/**
 * The Cookie header value express-session accepts for session `sid` (`kiada.sid=s:<sid>.<mac>`,
 * URL-encoded), signed with cookie-signature exactly as express-session signs it.
 */
export function signedSessionCookie(sid: string, secret: string): string {
  return `${SESSION_COOKIE_NAME}=${encodeURIComponent(`s:${signature.sign(sid, secret)}`)}`;
}

/** The session id inside a `kiada.sid=...` Cookie header value (the signature is not checked). */
export function sessionIdOf(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  if (!value.startsWith('s:')) throw new Error(`not a signed session cookie: ${cookie}`);
  return value.slice(2, value.lastIndexOf('.'));
}

/** The `kiada.sid` Set-Cookie header of a response (supertest's headers), if any. */
export function setCookieHeader(response: {
  headers: Record<string, unknown>;
}): string | undefined {
  const cookies = response.headers['set-cookie'] as string[] | string | undefined;
  const list = Array.isArray(cookies) ? cookies : cookies ? [cookies] : [];
  return list.find((cookie) => cookie.startsWith(`${SESSION_COOKIE_NAME}=`));
}

/** `kiada.sid=...` from a Set-Cookie header, for the Cookie header of the next request. */
export function cookieOf(setCookie: string): string {
  return setCookie.split(';')[0];
}

/** `kiada.sid=...` from a response's Set-Cookie (supertest), or an error naming the status. */
export function sessionCookie(response: {
  status: number;
  headers: Record<string, unknown>;
}): string {
  const header = setCookieHeader(response);
  if (!header) throw new Error(`no ${SESSION_COOKIE_NAME} cookie in response ${response.status}`);
  return cookieOf(header);
}
