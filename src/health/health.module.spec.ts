import type { INestApplication } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import request from 'supertest';
import { AllExceptionsFilter } from '../http/all-exceptions.filter.js';
import { HealthModule } from './health.module.js';

/** The module on the app's HTTP adapter (Fastify), ready for supertest. */
async function start(moduleRef: TestingModule): Promise<INestApplication> {
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), {
    logger: false,
  });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe(HealthModule.name, () => {
  let app: INestApplication | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });

  it('without a database (the operator role), /readyz is 200 and checks no database', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ withDatabase: false })],
    }).compile();
    app = await start(moduleRef);
    const response = await request(app.getHttpServer()).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body.details).toEqual({});
  });

  it('with a database, /readyz pings it', async () => {
    const pinged: string[] = [];
    const pingCheck = async (key: string) => {
      pinged.push(key);
      return { [key]: { status: 'up' as const } };
    };
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ withDatabase: true })],
    })
      .overrideProvider(TypeOrmHealthIndicator)
      .useValue({ pingCheck })
      .compile();
    app = await start(moduleRef);
    const response = await request(app.getHttpServer()).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body.details).toEqual({ database: { status: 'up' } });
    expect(pinged).toEqual(['database']);
  });

  it('a failing check is a 503 in the one error shape that names the check', async () => {
    const pingCheck = async (key: string) => ({
      [key]: { status: 'down' as const, message: 'connect ECONNREFUSED 127.0.0.1:3306' },
    });
    const moduleRef = await Test.createTestingModule({
      imports: [HealthModule.forRoot({ withDatabase: true })],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    })
      .overrideProvider(TypeOrmHealthIndicator)
      .useValue({ pingCheck })
      .compile();
    app = await start(moduleRef);
    const response = await request(app.getHttpServer()).get('/readyz');
    expect(response.status).toBe(503);
    expect(response.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Not ready: database is down (connect ECONNREFUSED 127.0.0.1:3306).',
      requestId: expect.any(String), // Fastify gives every request an id
    });
  });
});
