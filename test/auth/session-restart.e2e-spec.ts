import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { freshDatabase } from '../support/database.js';
import { closeApp, createTestApp } from '../support/nest-app.js';
import { sessionCookie, setCookieHeader } from '../support/session-cookie.js';

describe('sessions in the database (MariaDB)', () => {
  let databaseUrl: string;
  let app: NestFastifyApplication | undefined;

  beforeAll(async () => {
    databaseUrl = await freshDatabase('session_restart');
  });

  afterEach(async () => {
    await closeApp(app);
    app = undefined;
  });

  it('survives an application restart on the same database', async () => {
    ({ app } = await createTestApp(databaseUrl));
    await request(app.getHttpServer())
      .post('/auth/signup')
      .send({ username: 'restart', password: 'password-1' })
      .expect(201);
    const cookie = sessionCookie(
      await request(app.getHttpServer())
        .post('/auth/login')
        .send({ username: 'restart', password: 'password-1' })
        .expect(200),
    );
    await app.close();

    ({ app } = await createTestApp(databaseUrl));
    const me = await request(app.getHttpServer()).get('/auth/me').set('Cookie', cookie).expect(200);
    expect(me.body.username).toBe('restart');
    // rolling: every response re-sends the cookie with a new expiry.
    expect(setCookieHeader(me)).toBeDefined();
  });

  it('marks the cookie Secure behind a TLS-terminating proxy when TRUST_PROXY is set', async () => {
    ({ app } = await createTestApp(databaseUrl, { TRUST_PROXY: '1' }));
    await request(app.getHttpServer())
      .post('/auth/signup')
      .send({ username: 'proxied', password: 'password-1' })
      .expect(201);
    const overTls = await request(app.getHttpServer())
      .post('/auth/login')
      .set('X-Forwarded-Proto', 'https')
      .send({ username: 'proxied', password: 'password-1' })
      .expect(200);
    const header = setCookieHeader(overTls)!;
    expect(header).toMatch(/; Secure/i);
    expect(header).toMatch(/; HttpOnly/i);
    expect(header).toMatch(/; SameSite=Lax/i);

    const plain = await request(app.getHttpServer())
      .post('/auth/login')
      .send({ username: 'proxied', password: 'password-1' })
      .expect(200);
    expect(setCookieHeader(plain)).not.toMatch(/; Secure/i);
  });

  it('ignores X-Forwarded-Proto without TRUST_PROXY', async () => {
    ({ app } = await createTestApp(databaseUrl));
    const response = await request(app.getHttpServer())
      .post('/auth/login')
      .set('X-Forwarded-Proto', 'https')
      .send({ username: 'proxied', password: 'password-1' })
      .expect(200);
    expect(setCookieHeader(response)).not.toMatch(/; Secure/i);
  });
});
