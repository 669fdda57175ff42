import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ActiveUserCountSource } from '../../src/sessions/active-user-count.source.js';
import { freshDatabase } from '../support/database.js';
import { expectErrorBody } from '../support/error-body.js';
import { closeApp, createTestApp } from '../support/nest-app.js';
import { sessionCookie, sessionIdOf, setCookieHeader } from '../support/session-cookie.js';

interface ListedSession {
  id: string;
  createdAt: string | null;
  lastSeenAt: string | null;
  userAgent: string | null;
  current: boolean;
}

const TWELVE_HOURS_MS = 43_200_000;

/**
 * A user's own sessions (GET /auth/sessions, DELETE /auth/sessions/{id}, POST
 * /auth/logout-all) and the absolute lifetime, on MariaDB; the active-user count follows
 * every one of them.
 */
describe("a user's sessions (MariaDB)", () => {
  let app: NestFastifyApplication;
  let dataSource: DataSource;
  let counter: ActiveUserCountSource;

  beforeAll(async () => {
    ({ app, dataSource } = await createTestApp(await freshDatabase('user_sessions')));
    counter = app.get(ActiveUserCountSource);
    for (const username of ['alice', 'bob', 'carol']) {
      await request(app.getHttpServer())
        .post('/auth/signup')
        .send({ username, password: 'password-1' })
        .expect(201);
    }
  });

  afterAll(() => closeApp(app));

  const login = async (username: string, userAgent = 'e2e-agent') =>
    sessionCookie(
      await request(app.getHttpServer())
        .post('/auth/login')
        .set('User-Agent', userAgent)
        .send({ username, password: 'password-1' })
        .expect(200),
    );
  const list = async (cookie: string): Promise<ListedSession[]> =>
    (await request(app.getHttpServer()).get('/auth/sessions').set('Cookie', cookie).expect(200))
      .body.items;
  const end = (cookie: string, id: string) =>
    request(app.getHttpServer()).delete(`/auth/sessions/${id}`).set('Cookie', cookie);
  const me = (cookie: string) => request(app.getHttpServer()).get('/auth/me').set('Cookie', cookie);
  /** What the kept count must equal: users holding a live session, counted from the table. */
  const liveUsers = async () => {
    const [row] = await dataSource.query<Array<{ n: unknown }>>(
      'SELECT COUNT(DISTINCT user_id) AS n FROM sessions WHERE expires_at > ? AND user_id IS NOT NULL',
      [Date.now()],
    );
    return Number(row.n);
  };
  const expectCount = async (expected: number) => {
    await expect(counter.read()).resolves.toBe(expected);
    await expect(liveUsers()).resolves.toBe(expected);
  };

  it('lists only your live sessions, with an opaque id, times, User-Agent and which is current', async () => {
    const before = Date.now();
    const laptop = await login('alice', 'Firefox/140 (laptop)');
    const phone = await login('alice', 'Safari/18 (phone)');
    await login('bob');

    const listed = await list(laptop);
    expect(listed).toHaveLength(2);
    expect(listed.map((s) => [s.userAgent, s.current])).toEqual([
      ['Safari/18 (phone)', false],
      ['Firefox/140 (laptop)', true],
    ]);
    for (const session of listed) {
      expect(session.id).toMatch(/^[0-9a-f]{32}$/);
      expect(Date.parse(session.createdAt!)).toBeGreaterThanOrEqual(before - 1000);
      expect(Date.parse(session.lastSeenAt!)).toBeGreaterThanOrEqual(
        Date.parse(session.createdAt!),
      );
    }
    // The id is not the cookie's session id, nor contains it.
    const sids = [sessionIdOf(laptop), sessionIdOf(phone)];
    expect(JSON.stringify(listed)).not.toMatch(new RegExp(sids.join('|')));
    // The same session has the same id from either side.
    expect((await list(phone)).map((s) => s.id).sort()).toEqual(listed.map((s) => s.id).sort());

    await request(app.getHttpServer()).get('/auth/sessions').expect(401);
    await expectCount(2);
    // Clean slate for the next test.
    await request(app.getHttpServer()).post('/auth/logout-all').set('Cookie', laptop).expect(204);
  });

  it("ends one of your sessions by its id; another user's or an unknown id is a 404", async () => {
    const laptop = await login('alice');
    const phone = await login('alice');
    const bob = await login('bob');
    await expectCount(2);
    const phoneId = (await list(laptop)).find((s) => !s.current)!.id;
    const bobId = (await list(bob)).find((s) => s.current)!.id;

    for (const id of [bobId, 'f'.repeat(32), 'not-an-id', sessionIdOf(phone)]) {
      const response = await end(laptop, id).expect(404);
      expectErrorBody(response.body, 404);
      expect(response.body.message).toMatch(/No session of yours has this id/);
    }
    await me(bob).expect(200); // untouched
    await end(bob, phoneId).expect(404); // bob cannot end alice's session either
    await end('', phoneId).expect(401);

    await end(laptop, phoneId).expect(204);
    await me(phone).expect(401);
    await me(laptop).expect(200);
    await end(laptop, phoneId).expect(404); // already ended
    await expectCount(2); // alice still has the laptop session

    // Ending the current session is a log-out: cookie cleared, count down.
    const laptopId = (await list(laptop))[0].id;
    const response = await end(laptop, laptopId).expect(204);
    expect(setCookieHeader(response)).toMatch(/Expires=Thu, 01 Jan 1970/);
    await me(laptop).expect(401);
    await expectCount(1); // bob
    await expect(counter.recount(Date.now())).resolves.toBe(1);
  });

  it('logs out everywhere with POST /auth/logout-all', async () => {
    const sessions = [await login('carol'), await login('carol'), await login('carol')];
    await expectCount(2); // bob, carol
    const response = await request(app.getHttpServer())
      .post('/auth/logout-all')
      .set('Cookie', sessions[1])
      .expect(204);
    expect(setCookieHeader(response)).toMatch(/Expires=Thu, 01 Jan 1970/);
    for (const cookie of sessions) await me(cookie).expect(401);
    await expectCount(1);
    await expect(counter.recount(Date.now())).resolves.toBe(1);
    await request(app.getHttpServer()).post('/auth/logout-all').expect(401);
  });

  it('ends a session at its absolute lifetime (SESSION_ABSOLUTE_TTL_SECONDS), however active', async () => {
    const cookie = await login('carol');
    const sid = sessionIdOf(cookie);
    // Logged in 11 h 55 min ago: a request may extend it only up to the 12 h mark.
    const createdAt = Date.now() - TWELVE_HOURS_MS + 5 * 60_000;
    await dataSource.query('UPDATE sessions SET created_at = ?, expires_at = ? WHERE sid = ?', [
      createdAt,
      Date.now() + 60_000, // close to expiry: the request's touch takes the counted path
      sid,
    ]);
    await me(cookie).expect(200);
    const [row] = await dataSource.query<Array<{ expires_at: unknown }>>(
      'SELECT expires_at FROM sessions WHERE sid = ?',
      [sid],
    );
    expect(Number(row.expires_at)).toBe(createdAt + TWELVE_HOURS_MS); // not now + 30 min

    // Past the 12 h mark the session is refused, whatever its idle expiry says.
    await dataSource.query('UPDATE sessions SET created_at = ?, expires_at = ? WHERE sid = ?', [
      Date.now() - TWELVE_HOURS_MS - 1,
      Date.now() + 1_800_000,
      sid,
    ]);
    await me(cookie).expect(401);
  });

  it('declares the new routes in OpenAPI with the one error shape', async () => {
    const document = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body;
    const responses = (path: string, method: string) =>
      document.paths[path][method].responses as Record<string, { content?: unknown }>;
    const errorRef = { $ref: '#/components/schemas/ErrorResponseDto' };
    // 400, 413 and 415 are what the HTTP pipeline (body parsers) can answer on any route.
    const pipeline = ['400', '413', '415'];
    const expectations: Array<[string, string, string[], string]> = [
      ['/auth/sessions', 'get', [...pipeline, '401', '503'], '200'],
      ['/auth/sessions/{id}', 'delete', [...pipeline, '401', '404', '503'], '204'],
      ['/auth/logout-all', 'post', [...pipeline, '401', '503'], '204'],
    ];
    for (const [path, method, errors, success] of expectations) {
      const declared = responses(path, method);
      expect(Object.keys(declared).sort()).toEqual([success, ...errors].sort());
      for (const status of errors) {
        expect(declared[status].content).toEqual({ 'application/json': { schema: errorRef } });
      }
    }
    expect(responses('/auth/sessions', 'get')['200'].content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/UserSessionListDto' } },
    });
  });
});
