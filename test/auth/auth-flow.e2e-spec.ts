import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ScryptPasswordHasher } from '../../src/auth/password/scrypt-password-hasher.js';
import { countRows, freshDatabase } from '../support/database.js';
import { expectErrorBody } from '../support/error-body.js';
import { closeApp, createTestApp } from '../support/nest-app.js';
import { sessionCookie, sessionIdOf, setCookieHeader } from '../support/session-cookie.js';

describe('auth flow (MariaDB)', () => {
  let app: NestFastifyApplication;
  let dataSource: DataSource;
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await freshDatabase('auth_flow');
    ({ app, dataSource } = await createTestApp(databaseUrl));
  });

  afterAll(() => closeApp(app));

  const signup = (username: string, password = 'correct-horse-battery') =>
    request(app.getHttpServer()).post('/auth/signup').send({ username, password });
  const login = (username: string, password = 'correct-horse-battery', cookie?: string) => {
    const req = request(app.getHttpServer()).post('/auth/login').send({ username, password });
    return cookie ? req.set('Cookie', cookie) : req;
  };

  it('signs up, logs in, reads /auth/me and logs out', async () => {
    const created = await signup('alice').expect(201);
    expect(created.body).toEqual({
      id: expect.any(Number),
      username: 'alice',
      createdAt: expect.any(String),
    });
    expect(new Date(created.body.createdAt).toISOString()).toBe(created.body.createdAt);
    expect(setCookieHeader(created)).toBeUndefined();

    const loggedIn = await login('alice').expect(200);
    expect(loggedIn.body).toEqual({ id: created.body.id, username: 'alice' });
    const cookie = sessionCookie(loggedIn);

    const me = await request(app.getHttpServer()).get('/auth/me').set('Cookie', cookie).expect(200);
    expect(me.body).toEqual(created.body);

    await request(app.getHttpServer()).post('/auth/logout').set('Cookie', cookie).expect(204);
    // The logged-out session cannot be reused.
    const after = await request(app.getHttpServer())
      .get('/auth/me')
      .set('Cookie', cookie)
      .expect(401);
    expectErrorBody(after.body, 401);
    await request(app.getHttpServer()).post('/auth/logout').set('Cookie', cookie).expect(401);
  });

  it('answers 401 with the error shape without a session', async () => {
    const me = await request(app.getHttpServer()).get('/auth/me').expect(401);
    expectErrorBody(me.body, 401);
    const logout = await request(app.getHttpServer()).post('/auth/logout').expect(401);
    expectErrorBody(logout.body, 401);
  });

  it('sets an HttpOnly, SameSite=Lax session cookie, not Secure over plain http', async () => {
    await signup('cookie-user').expect(201);
    const header = setCookieHeader(await login('cookie-user').expect(200))!;
    expect(header).toMatch(/; HttpOnly/i);
    expect(header).toMatch(/; SameSite=Lax/i);
    expect(header).toMatch(/; Path=\//i);
    expect(header).toMatch(/; Expires=/i);
    expect(header).not.toMatch(/; Secure/i);
  });

  it('regenerates the session id at login (no fixation)', async () => {
    await signup('fixation').expect(201);
    const first = sessionCookie(await login('fixation').expect(200));
    const second = sessionCookie(await login('fixation', undefined, first).expect(200));
    expect(second).not.toBe(first);
    await request(app.getHttpServer()).get('/auth/me').set('Cookie', first).expect(401);
    await request(app.getHttpServer()).get('/auth/me').set('Cookie', second).expect(200);
  });

  it('answers 409 for a taken username, also when it differs only in case', async () => {
    await signup('bob').expect(201);
    const users = await countRows(dataSource, 'users');
    const duplicate = await signup('bob', 'another-password').expect(409);
    expectErrorBody(duplicate.body, 409);
    expect(duplicate.body.message).toContain('bob');
    await signup('BOB').expect(409);
    expect(await countRows(dataSource, 'users')).toBe(users);
  });

  it('gives exactly one 201 and one 409 for two concurrent signups of one username', async () => {
    const results = await Promise.all([
      signup('racer', 'password-one'),
      signup('racer', 'password-two'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const [row] = await dataSource.query<Array<{ n: unknown }>>(
      "SELECT COUNT(*) AS n FROM users WHERE username = 'racer'",
    );
    expect(Number(row.n)).toBe(1);
  });

  it('answers unknown user and wrong password with the same 401 body', async () => {
    await signup('carol').expect(201);
    const wrong = await login('carol', 'wrong-password-1').expect(401);
    const unknown = await login('nobody-here', 'wrong-password-1').expect(401);
    expectErrorBody(wrong.body, 401);
    const strip = ({ requestId: _ignored, ...rest }: Record<string, unknown>) => rest;
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
    expect(setCookieHeader(wrong)).toBeUndefined();
  });

  const passwordHashOf = async (username: string) => {
    const [row] = await dataSource.query<Array<{ password_hash: string }>>(
      'SELECT password_hash FROM users WHERE username = ?',
      [username],
    );
    return row.password_hash;
  };

  it('stores passwords only as argon2id hashes at OWASP strength (PHC strings)', async () => {
    await signup('dave', 'dave-secret-password').expect(201);
    const row = { password_hash: await passwordHashOf('dave') };
    expect(row.password_hash).toMatch(
      /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/,
    );
    expect(row.password_hash).not.toContain('dave-secret-password');
    const sessions = await dataSource.query<Array<{ data: string }>>('SELECT data FROM sessions');
    sessions.forEach(({ data }) => expect(data).not.toContain('password'));
  });

  it('keeps the user as /auth/me returns it in the session row, its id in user_id', async () => {
    await signup('erin').expect(201);
    const cookie = sessionCookie(await login('erin').expect(200));
    const sid = sessionIdOf(cookie);
    const [row] = await dataSource.query<
      Array<{ user_id: unknown; data: string; expires_at: unknown }>
    >('SELECT user_id, data, expires_at FROM sessions WHERE sid = ?', [sid]);
    const data = JSON.parse(row.data) as { passport: { user: { id: number } } };
    expect(data.passport).toEqual({
      user: { id: Number(row.user_id), username: 'erin', createdAt: expect.any(Number) },
    });
    expect(Number(row.expires_at)).toBeGreaterThan(Date.now());
  });

  it('still logs in a user whose password is an old scrypt hash, and upgrades it to argon2id', async () => {
    await signup('grace', 'grace-secret-password').expect(201);
    const scrypt = await new ScryptPasswordHasher().hash('grace-secret-password');
    await dataSource.query('UPDATE users SET password_hash = ? WHERE username = ?', [
      scrypt,
      'grace',
    ]);
    await login('grace', 'grace-secret-password').expect(200);
    await expect(passwordHashOf('grace')).resolves.toMatch(/^\$argon2id\$/);
    await login('grace', 'grace-secret-password').expect(200);
  });
});
