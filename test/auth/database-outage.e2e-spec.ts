import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { migrateDatabase } from '../support/app-process.js';
import { withConnection } from '../support/database.js';
import { expectErrorBody } from '../support/error-body.js';
import { closeApp, createTestApp } from '../support/nest-app.js';
import { startOwnMariadb, type OwnMariadb } from '../support/own-mariadb.js';
import { sleep } from '../support/wait.js';

interface Outcome {
  kind: 'signup' | 'login';
  username: string;
  startedAt: number;
  endedAt: number;
  status: number;
  retryAfter?: string;
  body: unknown;
}

/**
 * The database dies under sign-up and log-in traffic (SIGKILL of a MariaDB of this test's
 * own) and comes back: clients get 503 with Retry-After and the one error shape while it
 * is down (never a 500), nothing acknowledged is lost, and the app serves again as soon as
 * the database answers, without a restart.
 */
describe('database outage under auth traffic (a MariaDB of its own, SIGKILLed)', () => {
  let database: OwnMariadb;
  let app: NestFastifyApplication;
  const outcomes: Outcome[] = [];
  let next = 0;
  let running = true;

  const attempt = async (kind: Outcome['kind'], username: string): Promise<Outcome> => {
    const startedAt = Date.now();
    const response = await request(app.getHttpServer())
      .post(kind === 'signup' ? '/auth/signup' : '/auth/login')
      .timeout(15_000)
      .send({ username, password: 'correct-horse-battery' });
    const outcome: Outcome = {
      kind,
      username,
      startedAt,
      endedAt: Date.now(),
      status: response.status,
      retryAfter: response.headers['retry-after'] as string | undefined,
      body: response.body,
    };
    outcomes.push(outcome);
    return outcome;
  };
  /** One client: signs a new user up, then logs them in, again and again. */
  const client = async () => {
    while (running) {
      const username = `outage-${next++}`;
      const signedUp = await attempt('signup', username);
      if (signedUp.status === 201) await attempt('login', username);
      await sleep(20);
    }
  };

  beforeAll(async () => {
    database = await startOwnMariadb('outage');
    await migrateDatabase(database.url);
    // Throttling on (a limit this traffic never reaches): its windows and the login
    // lock-out live in the database too, so they must fail with 503 like the rest.
    ({ app } = await createTestApp(database.url, { AUTH_THROTTLE_LIMIT: '100000' }));
  }, 120_000);

  afterAll(async () => {
    running = false;
    await closeApp(app);
    await database?.remove();
  });

  it('answers 503 with Retry-After during the outage, loses nothing acknowledged, and recovers within 2 s', async () => {
    const clients = [client(), client(), client()];
    await sleep(1_500);
    await database.kill();
    const killedAt = Date.now();
    await sleep(4_000);
    const restartBegins = Date.now();
    await database.restart();
    const answeringAt = Date.now();
    // Traffic goes on until a sign-up succeeds again.
    let recoveredAt: number | undefined;
    while (!recoveredAt && Date.now() - answeringAt < 15_000) {
      await sleep(50);
      recoveredAt = outcomes.find((o) => o.startedAt >= answeringAt && o.status < 300)?.endedAt;
    }
    running = false;
    await Promise.all(clients);

    const during = outcomes.filter((o) => o.startedAt > killedAt && o.endedAt < restartBegins);
    expect(during.length).toBeGreaterThan(10);
    for (const outcome of during) {
      expect({
        kind: outcome.kind,
        status: outcome.status,
        retryAfter: outcome.retryAfter,
      }).toEqual({
        kind: outcome.kind,
        status: 503,
        retryAfter: '5',
      });
      expectErrorBody(outcome.body, 503);
    }
    expect(outcomes.filter((o) => o.status >= 500 && o.status !== 503)).toEqual([]);
    expect(recoveredAt).toBeDefined();
    expect(recoveredAt! - answeringAt).toBeLessThan(2_000);

    const acknowledged = outcomes.filter((o) => o.kind === 'signup' && o.status === 201);
    expect(acknowledged.length).toBeGreaterThan(0);
    const stored = await withConnection(database.url, async (connection) => {
      const [rows] = (await connection.query('SELECT username FROM users')) as unknown as [
        Array<{ username: string }>,
      ];
      return new Set(rows.map((row) => row.username));
    });
    expect(acknowledged.filter((o) => !stored.has(o.username)).map((o) => o.username)).toEqual([]);
    console.log(
      `outage: ${during.length} responses while down (all 503); ${acknowledged.length} acknowledged sign-ups all stored; ` +
        `first success ${recoveredAt! - answeringAt} ms after the database answered`,
    );
  }, 90_000);
});
