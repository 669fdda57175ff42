import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { runMigrations } from '../../src/database/run-migrations.js';
import { parseDecisionStamp } from '../../src/kubernetes/service-count-annotations.js';
import { InMemoryKubernetes } from '../../src/kubernetes/testing/in-memory-kubernetes.js';
import { dropDatabase, freshDatabase } from '../support/database.js';
import { createTestApp, testAppConfig } from '../support/nest-app.js';
import { seedActiveUsers } from '../support/seed-users.js';
import { waitFor } from '../support/wait.js';

const NAMESPACE = 'default';
const NAME = 'hanyang-kiada-autoscaler';
const SEEDED_USERS = 999;
const WINDOW_MS = 2_000;

const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 10_000) =>
  waitFor(what, probe, { timeoutMs, intervalMs: 20 });

describe('scaling across the 1,000-user boundary (MariaDB, fake Kubernetes)', () => {
  let databaseUrl: string;
  let app: NestFastifyApplication;
  let kubernetes: InMemoryKubernetes;

  const patches = () => kubernetes.callsOf('patchServiceCountSpec').map(([, , spec]) => spec);
  const stored = () => kubernetes.serviceCount(NAMESPACE, NAME)?.spec.kiadaServiceCount;
  /** spec.kiadaServiceCount as the resource held it, each change once (a watch of our own). */
  const held: number[] = [];
  const writtenValues = () =>
    held.filter((value, index) => index === 0 || value !== held[index - 1]);
  const decisionOnResource = () =>
    parseDecisionStamp(kubernetes.serviceCount(NAMESPACE, NAME)?.metadata.annotations);

  beforeAll(async () => {
    databaseUrl = await freshDatabase('scaling');
    const env = {
      LOG_LEVEL: 'warn',
      SCALING_CREATE_RESOURCE: 'true',
      SCALING_STABILIZATION_SECONDS: String(WINDOW_MS / 1000),
    };
    const config = testAppConfig(databaseUrl, env);
    // A clean schema, and 999 active users before the app starts: its start-up recount
    // brings the kept count to 999.
    await runMigrations(config.database);
    await seedActiveUsers(databaseUrl, SEEDED_USERS, config.session.ttlSeconds * 1000);

    kubernetes = new InMemoryKubernetes();
    await kubernetes.watch('KiadaServiceCount', NAMESPACE, '', {
      onEvent: (_type, resource) => held.push(resource.spec.kiadaServiceCount),
      onDone: () => undefined,
    });
    ({ app } = await createTestApp(databaseUrl, env, {
      kubernetes,
      nestLogLevels: ['warn', 'error'],
    }));
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
    expect(decisionOnResource()).toMatchObject({
      reason: 'ScaleDownHeld',
      replicas: 3,
      recommended: 2,
    });

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
