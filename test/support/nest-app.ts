import type { INestApplication, LogLevel } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module.js';
import { loadConfig, type AppConfig } from '../../src/config/index.js';
import { configureApp } from '../../src/configure-app.js';
import { createHttpAdapter, HTTP_APP_OPTIONS } from '../../src/http/configure-http-app.js';
import type { InMemoryKubernetes } from '../../src/kubernetes/testing/in-memory-kubernetes.js';
import { overrideKubernetes } from '../../src/kubernetes/testing/kubernetes-testing.js';
import { createPino } from '../../src/logging/create-pino.js';

/** SESSION_SECRET of the apps the e2e suites start (in process and as processes). */
export const TEST_SESSION_SECRET = 'e2e-session-secret-that-is-long-enough-0123456789';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  dataSource: DataSource;
}

export interface TestAppOptions {
  /** Bind every Kubernetes port to this fake (else the app reaches KUBECONFIG's cluster). */
  kubernetes?: InMemoryKubernetes;
  /** Nest's own log levels (the app's log goes through pino at LOG_LEVEL). */
  nestLogLevels?: LogLevel[];
}

/**
 * The configuration of an in-process test app (role api) on `databaseUrl`: quiet, no
 * throttling, no resource creation; `env` overrides any of it like the real environment.
 */
export function testAppConfig(databaseUrl: string, env: Record<string, string> = {}): AppConfig {
  return loadConfig({
    APP_ROLE: 'api',
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: TEST_SESSION_SECRET,
    AUTH_THROTTLE_LIMIT: '0',
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json',
    SCALING_CREATE_RESOURCE: 'false',
    // The page is bundled into dist/ by npm run build; an app run from src/ has none (the
    // dashboard's suites start the built app).
    DASHBOARD_ENABLED: 'false',
    ...env,
  });
}

/** The real AppModule and the real HTTP pipeline (configureApp), in this process. */
export async function createTestApp(
  databaseUrl: string,
  env: Record<string, string> = {},
  { kubernetes, nestLogLevels = ['error'] }: TestAppOptions = {},
): Promise<TestApp> {
  const config = testAppConfig(databaseUrl, env);
  const builder = Test.createTestingModule({ imports: [await AppModule.forRoot(config)] });
  const moduleRef = await (
    kubernetes ? overrideKubernetes(builder, kubernetes) : builder
  ).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), {
    ...HTTP_APP_OPTIONS,
    logger: nestLogLevels,
  });
  await configureApp(app, config, createPino(config.log));
  await app.init();
  // supertest talks to the Node.js server: Fastify must have loaded its plugins first.
  await app.getHttpAdapter().getInstance().ready();
  return { app, config, dataSource: app.get(DataSource) };
}

export async function closeApp(app: INestApplication | undefined): Promise<void> {
  if (app) await app.close();
}
