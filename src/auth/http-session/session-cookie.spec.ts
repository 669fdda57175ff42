import signature from 'cookie-signature';
import {
  readCookie,
  serializeSessionCookie,
  signedCookieValue,
  verifiedSessionId,
} from './session-cookie.js';

const SECRET = 'a-session-secret-that-is-long-enough-0123456789';

describe('session cookie (express-session format)', () => {
  it('verifies a cookie express-session issued (s: + cookie-signature, URL-encoded)', () => {
    const header = `theme=dark; kiada.sid=${encodeURIComponent(`s:${signature.sign('abc123', SECRET)}`)}`;
    const value = readCookie(header, 'kiada.sid')!;
    expect(verifiedSessionId(value, SECRET)).toBe('abc123');
  });

  it('refuses a wrong signature, another secret and an unsigned value', () => {
    const signed = signedCookieValue('abc123', SECRET);
    expect(verifiedSessionId(signed.replace('abc123', 'abc124'), SECRET)).toBeUndefined();
    expect(verifiedSessionId(signed, `${SECRET}x`)).toBeUndefined();
    expect(verifiedSessionId('abc123', SECRET)).toBeUndefined();
  });

  it('reads the first cookie of that name only, whatever the spacing', () => {
    expect(readCookie('a=1;kiada.sid=x;kiada.sid=y', 'kiada.sid')).toBe('x');
    expect(readCookie('xkiada.sid=1;  kiada.sid="q"', 'kiada.sid')).toBe('q');
    expect(readCookie('a=1', 'kiada.sid')).toBeUndefined();
    expect(readCookie(undefined, 'kiada.sid')).toBeUndefined();
  });

  it("sets express-session's attributes: Path, Expires, HttpOnly, SameSite=Lax, Secure over TLS", () => {
    const expires = new Date(Date.UTC(2026, 10, 30, 12, 0, 0));
    const value = signedCookieValue('abc123', SECRET);
    expect(serializeSessionCookie('kiada.sid', value, { expires, secure: false })).toBe(
      `kiada.sid=${encodeURIComponent(value)}; Path=/; Expires=Mon, 30 Nov 2026 12:00:00 GMT; HttpOnly; SameSite=Lax`,
    );
    expect(serializeSessionCookie('kiada.sid', value, { expires, secure: true })).toMatch(
      /; SameSite=Lax; Secure$/,
    );
  });
});
