import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { countRows, freshDatabase } from '../support/database.js';
import { expectErrorBody } from '../support/error-body.js';
import { closeApp, createTestApp } from '../support/nest-app.js';

describe('auth input validation (MariaDB)', () => {
  let app: NestFastifyApplication;
  let dataSource: DataSource;

  beforeAll(async () => {
    ({ app, dataSource } = await createTestApp(await freshDatabase('bad_input')));
    await request(app.getHttpServer())
      .post('/auth/signup')
      .send({ username: 'existing', password: 'password-1' })
      .expect(201);
  });

  afterAll(() => closeApp(app));

  const jsonCases: Array<[string, unknown]> = [
    ['missing fields', {}],
    ['missing password', { username: 'newuser' }],
    ['wrong types', { username: 123, password: ['x'] }],
    ['unknown fields', { username: 'newuser', password: 'password-1', admin: true }],
    ['a too long username', { username: 'a'.repeat(65), password: 'password-1' }],
    ['a too short username', { username: 'ab', password: 'password-1' }],
    ['forbidden characters', { username: 'new user!', password: 'password-1' }],
    ['a too short password', { username: 'newuser', password: 'short' }],
    ['a too long password', { username: 'newuser', password: 'p'.repeat(129) }],
  ];

  for (const path of ['/auth/signup', '/auth/login']) {
    describe(path, () => {
      it.each(jsonCases)('rejects %s with 400 and writes nothing', async (_name, body) => {
        const users = await countRows(dataSource, 'users');
        const sessions = await countRows(dataSource, 'sessions');
        const response = await request(app.getHttpServer())
          .post(path)
          .send(body as object)
          .expect(400);
        expectErrorBody(response.body, 400);
        expect(await countRows(dataSource, 'users')).toBe(users);
        expect(await countRows(dataSource, 'sessions')).toBe(sessions);
      });

      it('rejects a body that is not JSON', async () => {
        const users = await countRows(dataSource, 'users');
        const response = await request(app.getHttpServer())
          .post(path)
          .set('Content-Type', 'application/json')
          .send('{"username": "newuser", "password": ')
          .expect(400);
        expectErrorBody(response.body, 400);
        // Our words, not the JSON parser's (which quote the body back).
        expect(response.body.message).toBe('The request body is not valid JSON.');
        expect(await countRows(dataSource, 'users')).toBe(users);
      });

      it('rejects a charset it cannot read with 415, in our words', async () => {
        const users = await countRows(dataSource, 'users');
        const response = await request(app.getHttpServer())
          .post(path)
          .set('Content-Type', 'application/json; charset=latin1')
          .send('{"username": "newuser", "password": "password-1"}')
          .expect(415);
        expectErrorBody(response.body, 415);
        expect(response.body.message).toBe('The request body charset is not supported.');
        expect(await countRows(dataSource, 'users')).toBe(users);
      });

      it('rejects an oversized body with 413', async () => {
        const users = await countRows(dataSource, 'users');
        const response = await request(app.getHttpServer())
          .post(path)
          .send({ username: 'newuser', password: 'password-1', padding: 'x'.repeat(200_000) })
          .expect(413);
        expectErrorBody(response.body, 413);
        expect(response.body.message).toBe('The request body is too large.');
        expect(await countRows(dataSource, 'users')).toBe(users);
      });

      it('rejects a JSON array and a bare string', async () => {
        const users = await countRows(dataSource, 'users');
        for (const body of ['[1, 2]', '"text"']) {
          const response = await request(app.getHttpServer())
            .post(path)
            .set('Content-Type', 'application/json')
            .send(body);
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
          expectErrorBody(response.body, response.status);
        }
        expect(await countRows(dataSource, 'users')).toBe(users);
      });
    });
  }

  it('lists every problem in details', async () => {
    const response = await request(app.getHttpServer())
      .post('/auth/signup')
      .send({ username: 1, password: 2, x: 3 })
      .expect(400);
    expect(response.body.details.length).toBeGreaterThan(1);
  });
});
