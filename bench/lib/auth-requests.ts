import type autocannon from 'autocannon';
import { DEFAULT_PASSWORD } from '../../test/support/http-user.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

/** A POST /auth/login per request, for users taken round-robin from `usernames`. */
export function loginRequests(usernames: string[]): autocannon.Request[] {
  let next = 0;
  return [
    {
      method: 'POST',
      path: '/auth/login',
      headers: JSON_HEADERS,
      setupRequest: (req) => ({
        ...req,
        body: JSON.stringify({
          username: usernames[next++ % usernames.length],
          password: DEFAULT_PASSWORD,
        }),
      }),
    },
  ];
}

/** A POST /auth/logout per request, with session cookies taken round-robin from `cookies`. */
export function logoutRequests(cookies: string[]): autocannon.Request[] {
  let next = 0;
  return [
    {
      method: 'POST',
      path: '/auth/logout',
      setupRequest: (req) => ({
        ...req,
        headers: { ...req.headers, cookie: cookies[next++ % cookies.length] },
      }),
    },
  ];
}
