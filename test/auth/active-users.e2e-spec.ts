import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ActiveUserCountRepository } from '../../src/sessions/active-user-count.repository.js';
import { ActiveUserCountSource } from '../../src/sessions/active-user-count.source.js';
import { SessionRepository } from '../../src/sessions/session.repository.js';
import { freshDatabase } from '../support/database.js';
import { closeApp, createTestApp } from '../support/nest-app.js';
import { sessionCookie, sessionIdOf } from '../support/session-cookie.js';

describe('active-user count kept by the session store (MariaDB)', () => {
  let app: NestFastifyApplication;
  let dataSource: DataSource;
  let counter: ActiveUserCountSource;

  beforeAll(async () => {
    ({ app, dataSource } = await createTestApp(await freshDatabase('active_users')));
    counter = app.get(ActiveUserCountSource);
    for (const name of ['user1', 'user2', 'user3', 'user4']) {
      await request(app.getHttpServer())
        .post('/auth/signup')
        .send({ username: name, password: 'password-1' })
        .expect(201);
    }
  });

  afterAll(() => closeApp(app));

  const login = async (username: string) =>
    sessionCookie(
      await request(app.getHttpServer())
        .post('/auth/login')
        .send({ username, password: 'password-1' })
        .expect(200),
    );
  const logout = (cookie: string) =>
    request(app.getHttpServer()).post('/auth/logout').set('Cookie', cookie).expect(204);
  const me = (cookie: string) => request(app.getHttpServer()).get('/auth/me').set('Cookie', cookie);
  const liveUsers = async (now = Date.now()) => {
    const [row] = await dataSource.query<Array<{ n: unknown }>>(
      'SELECT COUNT(DISTINCT user_id) AS n FROM sessions WHERE expires_at > ? AND user_id IS NOT NULL',
      [now],
    );
    return Number(row.n);
  };
  /**
   * Just past, yet after the last sweep: an expiry moved behind swept_until (a sweep ran
   * meanwhile, e.g. the previous test's recount) would never be swept, a state the store
   * itself never creates. 1 ms back keeps the test from depending on how fast it runs.
   */
  const justExpired = () => Date.now() - 1;
  const expireSessionsOf = (username: string) =>
    dataSource.query(
      'UPDATE sessions SET expires_at = ? WHERE user_id = (SELECT id FROM users WHERE username = ?)',
      [justExpired(), username],
    );

  it('is the same count the session writes keep', () => {
    expect(counter).toBe(app.get(ActiveUserCountRepository));
  });

  it('counts users, not sessions, through logins and logouts', async () => {
    await expect(counter.read()).resolves.toBe(0);
    const u1a = await login('user1');
    await expect(counter.read()).resolves.toBe(1);
    const u1b = await login('user1'); // a second session of the same user
    await expect(counter.read()).resolves.toBe(1);
    const u2 = await login('user2');
    const u3 = await login('user3');
    await expect(counter.read()).resolves.toBe(3);
    await expect(counter.read()).resolves.toBe(await liveUsers());

    await logout(u1a);
    await expect(counter.read()).resolves.toBe(3); // u1 still has u1b
    await logout(u1b);
    await expect(counter.read()).resolves.toBe(2);
    await logout(u2);
    await expect(counter.read()).resolves.toBe(1);
    await logout(u3);
    await expect(counter.read()).resolves.toBe(0);
    await expect(counter.recount(Date.now())).resolves.toBe(0);
  });

  it('adds one for two concurrent first logins of one user', async () => {
    const cookies = await Promise.all([login('user4'), login('user4'), login('user4')]);
    await expect(counter.read()).resolves.toBe(1);
    await Promise.all(cookies.map(logout));
    await expect(counter.read()).resolves.toBe(0);
  });

  it('sweeps expired sessions, keeping users who still hold a live one', async () => {
    const u1 = await login('user1');
    const u2a = await login('user2');
    await login('user2');
    await login('user3');
    await expect(counter.read()).resolves.toBe(3);

    await expireSessionsOf('user1');
    // Expire only one of u2's two sessions.
    const sid = sessionIdOf(u2a);
    await dataSource.query('UPDATE sessions SET expires_at = ? WHERE sid = ?', [
      justExpired(),
      sid,
    ]);

    await expect(counter.sweepExpired(Date.now())).resolves.toBe(2);
    await expect(counter.read()).resolves.toBe(2);
    await expect(counter.read()).resolves.toBe(await liveUsers());
    // An expired session is gone for the user too.
    await me(u1).expect(401);
    // Sweeping again changes nothing.
    await expect(counter.sweepExpired(Date.now())).resolves.toBe(2);
    await expect(counter.recount(Date.now())).resolves.toBe(2);
  });

  it('counts a user again when a swept session of theirs is used and extended', async () => {
    const cookie = await login('user4');
    await expect(counter.read()).resolves.toBe(3);
    // Close to expiry (but not past it), then swept past it: the store must not lose u4
    // when the session is touched afterwards.
    const sid = sessionIdOf(cookie);
    const soon = Date.now() + 2000;
    await dataSource.query('UPDATE sessions SET expires_at = ? WHERE sid = ?', [soon, sid]);
    await me(cookie).expect(200); // touch (rolling) takes the locked path near expiry
    await expect(counter.read()).resolves.toBe(3);
    await expect(counter.sweepExpired(Date.now())).resolves.toBe(3);
    await expect(counter.recount(Date.now())).resolves.toBe(await liveUsers());
  });

  it('recount repairs a drifted count and purge keeps it', async () => {
    await dataSource.query('UPDATE active_user_count SET count = 42 WHERE id = 1');
    const expected = await liveUsers();
    await expect(counter.recount(Date.now())).resolves.toBe(expected);
    await expect(counter.read()).resolves.toBe(expected);

    const sessions = app.get(SessionRepository);
    await dataSource.query(
      'UPDATE sessions SET expires_at = 1000 WHERE user_id = (SELECT id FROM users WHERE username = ?)',
      ['user1'],
    );
    const deleted = await sessions.purgeExpired(Date.now());
    expect(deleted).toBeGreaterThan(0);
    await expect(counter.read()).resolves.toBe(await liveUsers());
    await expect(counter.recount(Date.now())).resolves.toBe(await liveUsers());
  });
});
