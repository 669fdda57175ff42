import { DEFAULT_PASSWORD } from '../../test/support/http-user.js';
import { filledSessionId } from '../../test/support/seed-users.js';
import { signedSessionCookie } from '../../test/support/session-cookie.js';
import { BENCH_SESSION_SECRET } from './bench-app.js';
import type { LoadRequest } from './http-load.js';

/** Ids of the users who log in (argon2id hash), above any id fillActiveUsers gives out. */
export const LOGIN_USER_FIRST_ID = 1_000_000_000;

/** Random ids in [1, size], each handed out once (a logged-out session is gone). */
export class LiveIds {
  private readonly taken = new Set<number>();
  constructor(public size: number) {}

  take(count: number): number[] {
    const out: number[] = [];
    while (out.length < count && this.taken.size < this.size) {
      const id = 1 + Math.floor(Math.random() * this.size);
      if (this.taken.has(id)) continue;
      this.taken.add(id);
      out.push(id);
    }
    return out;
  }
}

export const cookieOf = (id: number) =>
  signedSessionCookie(filledSessionId(id), BENCH_SESSION_SECRET);

export const loginRequest =
  (usernames: string[]) =>
  (n: number): LoadRequest => ({
    method: 'POST',
    path: '/auth/login',
    body: JSON.stringify({ username: usernames[n % usernames.length], password: DEFAULT_PASSWORD }),
  });

export const cookieRequest =
  (method: 'GET' | 'POST', path: string, cookies: string[]) =>
  (n: number): LoadRequest => ({ method, path, headers: { cookie: cookies[n % cookies.length] } });
