import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase, startApp, type AppProcess } from '../support/app-process.js';
import { dropDatabase, freshDatabase } from '../support/database.js';
import { expectErrorBody } from '../support/error-body.js';
import { TEST_SESSION_SECRET } from '../support/nest-app.js';

const LIMIT = 8;
const LOCKOUT_THRESHOLD = 3;
const LOCKOUT_BASE_SECONDS = 30;

/**
 * The auth throttle with two api processes on one MariaDB database, as two replicas behind
 * one proxy (TRUST_PROXY=1, so X-Forwarded-For is the client address): the rate limit
 * holds across both (its windows are in the database), and the lock-out of (user, address
 * A) leaves (user, address B) alone.
 */
describe('auth throttling across two api processes (MariaDB)', () => {
  let databaseUrl: string;
  let home: string;
  let replicas: AppProcess[] = [];

  beforeAll(async () => {
    databaseUrl = await freshDatabase('throttling_replicas');
    await migrateDatabase(databaseUrl);
    // No ~/.kube/config to find: the api's scaling stays idle, auth is served as usual.
    home = mkdtempSync(join(tmpdir(), 'kiada-throttling-home-'));
    const env = {
      HOME: home,
      DATABASE_URL: databaseUrl,
      DATABASE_MIGRATE: 'false',
      SESSION_SECRET: TEST_SESSION_SECRET,
      TRUST_PROXY: '1',
      AUTH_THROTTLE_LIMIT: String(LIMIT),
      AUTH_THROTTLE_TTL_SECONDS: '600',
      AUTH_LOCKOUT_THRESHOLD: String(LOCKOUT_THRESHOLD),
      AUTH_LOCKOUT_BASE_SECONDS: String(LOCKOUT_BASE_SECONDS),
      AUTH_LOCKOUT_MAX_SECONDS: '600',
      SCALING_CREATE_RESOURCE: 'false',
      PASSWORD_ARGON2_MEMORY_KIB: '4096',
    };
    replicas = await Promise.all([startApp('api', env), startApp('api', env)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    if (databaseUrl) await dropDatabase(databaseUrl);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  const post = async (
    replica: AppProcess,
    path: string,
    address: string,
    body: { username: string; password: string },
  ) => {
    const response = await fetch(`${replica.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      body: (await response.json()) as unknown,
    };
  };
  const login = (replica: AppProcess, address: string, username: string, password: string) =>
    post(replica, '/auth/login', address, { username, password });

  it('holds the limit across both: attempts spread over them get exactly the limit', async () => {
    const attempts = 3 * LIMIT;
    const outcomes = await Promise.all(
      Array.from({ length: attempts }, (_, i) =>
        login(replicas[i % 2], '203.0.113.10', `nobody-${i}`, 'wrong-password'),
      ),
    );
    const statuses = outcomes.map((outcome) => outcome.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(attempts - LIMIT);
    for (const refused of outcomes.filter((outcome) => outcome.status === 429)) {
      expectErrorBody(refused.body, 429);
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    }
    // Both processes refused some: neither counted on its own.
    const refusedBy = outcomes
      .map((outcome, i) => (outcome.status === 429 ? i % 2 : -1))
      .filter((replica) => replica >= 0);
    expect(new Set(refusedBy)).toEqual(new Set([0, 1]));
  });

  it('locks (user, address A) out after repeated failures, while (user, address B) logs in', async () => {
    const [a, b] = replicas;
    const addressA = '198.51.100.1';
    const addressB = '198.51.100.2';
    const password = 'right-password-1';
    expect(
      (await post(a, '/auth/signup', '192.0.2.1', { username: 'dana', password })).status,
    ).toBe(201);

    // Failures from address A, alternating between the replicas: the streak is shared.
    for (let failure = 1; failure <= LOCKOUT_THRESHOLD; failure += 1) {
      const replica = replicas[failure % 2];
      expect((await login(replica, addressA, 'dana', 'wrong-password')).status).toBe(401);
    }
    // Locked from A on either replica, even with the right password.
    for (const replica of [a, b]) {
      const locked = await login(replica, addressA, 'Dana', password);
      expect(locked.status).toBe(429);
      expectErrorBody(locked.body, 429);
      expect((locked.body as { message: string }).message).toMatch(
        /Too many failed logins for this username from your address: try again in \d+ seconds?\./,
      );
      expect(Number(locked.retryAfter)).toBeGreaterThan(LOCKOUT_BASE_SECONDS - 5);
      expect(Number(locked.retryAfter)).toBeLessThanOrEqual(LOCKOUT_BASE_SECONDS);
    }
    // The same user from address B is not affected, on either replica.
    expect((await login(b, addressB, 'dana', 'wrong-password')).status).toBe(401);
    expect((await login(a, addressB, 'dana', password)).status).toBe(200);
  });

  it('lets no more than the threshold of parallel wrong passwords be checked, across both', async () => {
    const password = 'right-password-2';
    expect(
      (await post(replicas[0], '/auth/signup', '192.0.2.2', { username: 'erin', password })).status,
    ).toBe(201);
    // Twice the threshold at once (under the rate limit), spread over both replicas: each
    // attempt is counted before its password is checked, so they cannot all pass the check.
    const outcomes = await Promise.all(
      Array.from({ length: 2 * LOCKOUT_THRESHOLD }, (_, i) =>
        login(replicas[i % 2], '198.51.100.3', 'erin', 'wrong-password'),
      ),
    );
    const statuses = outcomes.map((outcome) => outcome.status).sort();
    expect(statuses).toEqual([
      ...Array<number>(LOCKOUT_THRESHOLD).fill(401),
      ...Array<number>(LOCKOUT_THRESHOLD).fill(429),
    ]);
    for (const refused of outcomes.filter((outcome) => outcome.status === 429)) {
      expect((refused.body as { message: string }).message).toMatch(/Too many failed logins/);
    }
  });
});
