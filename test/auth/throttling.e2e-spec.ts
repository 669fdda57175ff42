import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { freshDatabase } from '../support/database.js';
import { expectErrorBody } from '../support/error-body.js';
import { closeApp, createTestApp } from '../support/nest-app.js';

describe('auth throttling (MariaDB)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    ({ app } = await createTestApp(await freshDatabase('throttling'), {
      AUTH_THROTTLE_LIMIT: '3',
      AUTH_THROTTLE_TTL_SECONDS: '60',
      TRUST_PROXY: '1',
    }));
  });

  afterAll(() => closeApp(app));

  const login = (username: string, ip: string) =>
    request(app.getHttpServer())
      .post('/auth/login')
      .set('X-Forwarded-For', ip)
      .send({ username, password: 'wrong-password' });

  it('answers 429 in the error shape after the limit per client IP', async () => {
    for (let i = 0; i < 3; i += 1) await login(`ip-user-${i}`, '203.0.113.1').expect(401);
    const throttled = await login('ip-user-4', '203.0.113.1').expect(429);
    expectErrorBody(throttled.body, 429);
    expect(throttled.body.message).toMatch(/Too many attempts/);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    // Another client is not affected.
    await login('ip-user-5', '203.0.113.2').expect(401);
  });

  it('does not let attempts naming a user from other IPs throttle that user', async () => {
    // Past the limit of 3 in all, but each from its own address: none is throttled...
    for (let i = 0; i < 5; i += 1) await login('victim', `198.51.100.${i + 1}`).expect(401);
    // ...and the owner, from their own address, is not kept out (wrong password here: 401).
    await login('Victim', '198.51.100.50').expect(401);
  });

  it('throttles sign-up too', async () => {
    const signup = (n: number) =>
      request(app.getHttpServer())
        .post('/auth/signup')
        .set('X-Forwarded-For', '192.0.2.7')
        .send({ username: `signup-${n}`, password: 'password-1' });
    for (let i = 0; i < 3; i += 1) await signup(i).expect(201);
    expectErrorBody((await signup(4).expect(429)).body, 429);
  });

  it('does not throttle /auth/me', async () => {
    for (let i = 0; i < 6; i += 1) await request(app.getHttpServer()).get('/auth/me').expect(401);
  });
});
