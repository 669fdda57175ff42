import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import mysql from 'mysql2/promise';
import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { loadConfig, type AppConfig } from '../../src/config/index.js';
import { configureHttpApp } from '../../src/http/configure-http-app.js';
import { createPino } from '../../src/logging/create-pino.js';

/** The MariaDB test server (test/support/mariadb.sh prints this URL). */
export const BASE_DATABASE_URL =
  process.env.TEST_DATABASE_URL ?? 'mysql://kiada:kiada@127.0.0.1:3306/kiada_test';

/**
 * A database of this spec's own, dropped and created empty (`kiada_test_<name>`; the test
 * user may create databases with that prefix), so specs never see each other's rows.
 */
export async function freshDatabase(name: string): Promise<string> {
  const url = new URL(BASE_DATABASE_URL);
  const database = `${url.pathname.slice(1)}_${name}`;
  const connection = await mysql.createConnection({ uri: BASE_DATABASE_URL });
  try {
    await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await connection.query(
      `CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await connection.end();
  }
  url.pathname = `/${database}`;
  return url.toString();
}

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  dataSource: DataSource;
}

/** The real AppModule (role api) and the real HTTP pipeline, on the given database. */
export async function createTestApp(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<TestApp> {
  const config = loadConfig({
    APP_ROLE: 'api',
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: 'e2e-session-secret-that-is-long-enough-0123456789',
    AUTH_THROTTLE_LIMIT: '0',
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
    SCALING_CREATE_RESOURCE: 'false',
    ...env,
  });
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.forRoot(config)],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    logger: ['error'],
  });
  configureHttpApp(app, config, createPino(config.log));
  await app.init();
  return { app, config, dataSource: app.get(DataSource) };
}

/** `kiada.sid=...` from a response's Set-Cookie, for the Cookie header of the next request. */
export function sessionCookie(response: Response): string {
  const header = setCookieHeader(response);
  if (!header) throw new Error(`no kiada.sid cookie in response ${response.status}`);
  return header.split(';')[0];
}

export function setCookieHeader(response: Response): string | undefined {
  const cookies = response.headers['set-cookie'] as unknown as string[] | string | undefined;
  const list = Array.isArray(cookies) ? cookies : cookies ? [cookies] : [];
  return list.find((cookie) => cookie.startsWith('kiada.sid='));
}

export async function countRows(
  dataSource: DataSource,
  table: 'users' | 'sessions',
): Promise<number> {
  const [row] = await dataSource.query<Array<{ n: unknown }>>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row.n);
}

/** Every error body has this shape (README, "REST API"). */
export function expectErrorBody(body: unknown, statusCode: number): void {
  expect(body).toEqual(
    expect.objectContaining({ statusCode, error: expect.any(String), message: expect.any(String) }),
  );
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/at .*\.(ts|js):\d+|SELECT |INSERT |QueryFailedError/);
}

export async function closeApp(app: INestApplication | undefined): Promise<void> {
  if (app) await app.close();
}
