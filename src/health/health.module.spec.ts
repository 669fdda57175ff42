import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TypeOrmHealthIndicator } from '@nestjs/terminus';
import request from 'supertest';
import { HealthModule } from './health.module.js';

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
    app = await moduleRef.createNestApplication({ logger: false }).init();
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
    app = await moduleRef.createNestApplication({ logger: false }).init();
    const response = await request(app.getHttpServer()).get('/readyz');
    expect(response.status).toBe(200);
    expect(response.body.details).toEqual({ database: { status: 'up' } });
    expect(pinged).toEqual(['database']);
  });
});
