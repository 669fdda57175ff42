import signature from 'cookie-signature';

/**
 * The session cookie's value format, express-session's (`s:` + cookie-signature's
 * `sign(sid, secret)`, URL-encoded in the header), so cookies issued before the move to
 * Fastify keep working and the bench's seeded cookies too.
 */
const SIGNED_PREFIX = 's:';

/** The value of cookie `name` in a Cookie header (the first one, URL-decoded), if any. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  const prefix = `${name}=`;
  let start = 0;
  while (start < header.length) {
    while (header.charCodeAt(start) === 32 /* space */) start++;
    let end = header.indexOf(';', start);
    if (end === -1) end = header.length;
    if (header.startsWith(prefix, start)) {
      let value = header.slice(start + prefix.length, end).trim();
      if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
        value = value.slice(1, -1);
      }
      if (!value.includes('%')) return value;
      try {
        return decodeURIComponent(value);
      } catch {
        return value;
      }
    }
    start = end + 1;
  }
  return undefined;
}

/** The session id a cookie value carries when its signature is valid; else undefined. */
export function verifiedSessionId(value: string, secret: string): string | undefined {
  if (!value.startsWith(SIGNED_PREFIX)) return undefined;
  const sid = signature.unsign(value.slice(SIGNED_PREFIX.length), secret);
  return sid === false ? undefined : sid;
}

/** The cookie value for session `sid` (not yet URL-encoded). */
export function signedCookieValue(sid: string, secret: string): string {
  return SIGNED_PREFIX + signature.sign(sid, secret);
}

export interface CookieAttributes {
  expires: Date;
  secure: boolean;
}

/**
 * A Set-Cookie header value with express-session's attributes, in the `cookie` package's
 * order: Path, Expires, HttpOnly, SameSite=Lax, Secure (over TLS only).
 */
export function serializeSessionCookie(
  name: string,
  value: string,
  { expires, secure }: CookieAttributes,
): string {
  const encoded = encodeURIComponent(value);
  return `${name}=${encoded}; Path=/; Expires=${expires.toUTCString()}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
