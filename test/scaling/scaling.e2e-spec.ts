import { randomBytes } from 'node:crypto';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { createConnection } from 'mysql2/promise';
import request from 'supertest';
import { AppModule } from '../../src/app.module.js';
import { loadConfig, type AppConfig } from '../../src/config/index.js';
import { runMigrations } from '../../src/database/run-migrations.js';
import { configureHttpApp } from '../../src/http/configure-http-app.js';
import { createPino } from '../../src/logging/create-pino.js';
import { InMemoryKubernetes } from '../../src/kubernetes/testing/in-memory-kubernetes.js';
import { overrideKubernetes } from '../../src/kubernetes/testing/kubernetes-testing.js';
import { parseDecisionStamp } from '../../src/kubernetes/service-count-annotations.js';
import { dropDatabase, freshDatabase } from '../k8s/support/database.js';

const NAMESPACE = 'default';
const NAME = 'hanyang-kiada-autoscaler';
const SEEDED_USERS = 999;
const WINDOW_MS = 2_000;

async function until<T>(
  what: string,
  probe: () => T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** 999 users with one live session each, written straight into the tables (bulk inserts). */
async function seedLiveSessions(databaseUrl: string, ttlMs: number): Promise<void> {
  const connection = await createConnection({ uri: databaseUrl });
  try {
    const now = Date.now();
    const users = Array.from({ length: SEEDED_USERS }, (_, i) => [
      i + 1,
      `seeded-${i + 1}`,
      'not-a-hash',
      now,
    ]);
    await connection.query('INSERT INTO users (id, username, password_hash, created_at) VALUES ?', [
      users,
    ]);
    const sessions = users.map(([id]) => {
      const expires = now + ttlMs;
      const data = JSON.stringify({
        cookie: {
          originalMaxAge: ttlMs,
          expires: new Date(expires).toISOString(),
          httpOnly: true,
          path: '/',
        },
        passport: { user: id },
      });
      return [randomBytes(24).toString('base64url'), id, expires, data];
    });
    await connection.query('INSERT INTO sessions (sid, user_id, expires_at, data) VALUES ?', [
      sessions,
    ]);
  } finally {
    await connection.end();
  }
}

describe('scaling across the 1,000-user boundary (MariaDB, fake Kubernetes)', () => {
  let databaseUrl: string;
  let config: AppConfig;
  let app: NestExpressApplication;
  let kubernetes: InMemoryKubernetes;

  const patches = () => kubernetes.callsOf('patchServiceCountSpec').map(([, , spec]) => spec);
  const stored = () => kubernetes.serviceCount(NAMESPACE, NAME)?.spec.kiadaServiceCount;
  /** spec.kiadaServiceCount as the resource held it, each change once (a watch of our own). */
  const held: number[] = [];
  const writtenValues = () => held.filter((value, index) => index === 0 || value !== held[index - 1]);
  const decisionOnResource = () =>
    parseDecisionStamp(kubernetes.serviceCount(NAMESPACE, NAME)?.metadata.annotations);

  beforeAll(async () => {
    databaseUrl = await freshDatabase('scaling');
    config = loadConfig({
      APP_ROLE: 'api',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      DATABASE_URL: databaseUrl,
      SCALING_STABILIZATION_SECONDS: String(WINDOW_MS / 1000),
      AUTH_THROTTLE_LIMIT: '0',
    });
    // A clean schema, and 999 active users before the app starts: its start-up recount
    // brings the kept count to 999.
    await runMigrations(config.database);
    await seedLiveSessions(databaseUrl, config.session.ttlSeconds * 1000);

    kubernetes = new InMemoryKubernetes();
    await kubernetes.watch('KiadaServiceCount', NAMESPACE, '', {
      onEvent: (_type, resource) => held.push(resource.spec.kiadaServiceCount),
      onDone: () => undefined,
    });
    const moduleRef = await overrideKubernetes(
      Test.createTestingModule({ imports: [AppModule.forRoot(config)] }),
      kubernetes,
    ).compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({
      bodyParser: false,
      logger: ['warn', 'error'],
    });
    configureHttpApp(app, config, createPino(config.log));
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('starts at 999 active users and creates the resource with 2 replicas', async () => {
    await until('the resource', () => stored() !== undefined);
    expect(kubernetes.serviceCount(NAMESPACE, NAME)?.spec).toMatchObject({
      kiadaServiceCount: 2,
      targetRef: { name: 'kiada' },
    });
    const status = await request(app.getHttpServer()).get('/scaling/status').expect(200);
    expect(status.body).toMatchObject({
      activeUsers: SEEDED_USERS,
      desiredReplicas: 2,
      policy: {
        stepUsers: 20000,
        minReplicas: 2,
        maxReplicas: 100,
        stabilizationSeconds: WINDOW_MS / 1000,
      },
      resource: { namespace: NAMESPACE, name: NAME, lastWrittenReplicas: 2, lastError: null },
    });
  });

  it('documents GET /scaling/status in the OpenAPI document', async () => {
    const { body } = await request(app.getHttpServer()).get('/docs-json').expect(200);
    expect(body.paths['/scaling/status'].get.tags).toEqual(['scaling']);
    expect(Object.keys(body.components.schemas.ScalingStatusDto.properties)).toEqual(
      expect.arrayContaining(['activeUsers', 'desiredReplicas', 'policy', 'resource']),
    );
  });

  it('sets 3 exactly once when the 1,000th user logs in, and back to 2 only after the window', async () => {
    const server = app.getHttpServer();
    const agent = request.agent(server);
    const credentials = { username: 'user-1000', password: 'correct horse battery' };
    await agent.post('/auth/signup').send(credentials).expect(201);
    await agent.post('/auth/login').send(credentials).expect(200);

    await until('the patch to 3', () => patches().length > 0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(writtenValues()).toEqual([2, 3]);
    expect(stored()).toBe(3);
    const up = await request(server).get('/scaling/status').expect(200);
    expect(up.body).toMatchObject({
      activeUsers: 1000,
      desiredReplicas: 3,
      resource: { lastWrittenReplicas: 3 },
    });

    const loggedOutAt = Date.now();
    await agent.post('/auth/logout').expect(204);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const during = await request(server).get('/scaling/status').expect(200);
    expect(during.body).toMatchObject({
      activeUsers: SEEDED_USERS,
      recommendedReplicas: 2,
      desiredReplicas: 3,
    });
    // The hold is a decision of its own (ScaleDownHeld), written without changing the value.
    expect(writtenValues()).toEqual([2, 3]);
    expect(decisionOnResource()).toMatchObject({ reason: 'ScaleDownHeld', replicas: 3, recommended: 2 });

    await until('the patch back to 2', () => writtenValues().length > 2, WINDOW_MS + 5_000);
    const patchedAfter = Date.now() - loggedOutAt;
    expect(patchedAfter).toBeGreaterThanOrEqual(WINDOW_MS - 50);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(writtenValues()).toEqual([2, 3, 2]);
    expect(stored()).toBe(2);

    const metrics = await request(server).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/^kiada_active_users 999$/m);
    expect(metrics.text).toMatch(/^kiada_desired_replicas 2$/m);
  });

  it('keeps answering logins while the Kubernetes API is unreachable, and catches up afterwards', async () => {
    const server = app.getHttpServer();
    const patchesBefore = patches().length;
    kubernetes.failNext('patchServiceCountSpec', 0, 3);
    const agent = request.agent(server);
    const credentials = { username: 'user-outage', password: 'correct horse battery' };
    await agent.post('/auth/signup').send(credentials).expect(201);
    const started = Date.now();
    await agent.post('/auth/login').send(credentials).expect(200);
    expect(Date.now() - started).toBeLessThan(2_000);

    await until('two failed attempts', () => patches().length >= patchesBefore + 2);
    const failing = await request(server).get('/scaling/status').expect(200);
    expect(failing.body.resource.lastError).toMatchObject({ statusCode: 0 });
    await until('the write to go through', () => stored() === 3, 10_000);
    const recovered = await request(server).get('/scaling/status').expect(200);
    expect(recovered.body.resource).toMatchObject({ lastWrittenReplicas: 3, lastError: null });
  });
});
