import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { register, type Counter } from 'prom-client';
import { DataSource } from 'typeorm';
import { SystemClock } from '../../src/common/clock.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { runMigrations } from '../../src/database/run-migrations.js';
import { TransactionRunner } from '../../src/database/transaction-runner.js';
import {
  ActiveUserCountRepository,
  RECOUNT_SLICE_USERS,
} from '../../src/sessions/active-user-count.repository.js';
import { CountMaintenanceClaims } from '../../src/sessions/count-maintenance-claims.js';
import { SessionRepository } from '../../src/sessions/session.repository.js';
import { dropDatabase, freshDatabase, mysqlDatabaseConfig } from '../support/database.js';
import { insertUsers, type SeededUser } from '../support/seed-users.js';
import { sleep } from '../support/wait.js';

/** One api replica's share of the database: its own pool, the app's own repositories. */
interface Replica {
  dataSource: DataSource;
  count: ActiveUserCountRepository;
  sessions: SessionRepository;
}

const LIFETIME_MS = 12 * 3600_000;
const sid = () => randomBytes(18).toString('base64url');
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)];

/**
 * The kept active-user count under everything at once, on the server TEST_DATABASE_URL names
 * (MariaDB; TiDB in its own pass): three replicas log users in and out, move sessions between
 * users, log users out everywhere and extend sessions, while sessions expire and are swept
 * and two replicas recount over and over. After the writes stop, the kept count must equal
 * COUNT(DISTINCT user_id) of the live sessions; the recounts must have repaired a drift put
 * in before the start without losing a write made during their scans; and no transaction
 * may have deadlocked.
 */
describe('active-user count under concurrent writes, expiries and recounts', () => {
  let databaseUrl: string;
  let replicas: Replica[] = [];
  let users: SeededUser[];

  const deadlocks = async () => {
    const metric = register.getSingleMetric('kiada_database_transaction_retries_total') as
      Counter | undefined;
    const values = (await metric?.get())?.values ?? [];
    return values.find((value) => value.labels.reason === 'deadlock')?.value ?? 0;
  };
  const liveUsers = async (after: number) => {
    const [row] = await replicas[0].dataSource.query<Array<{ n: unknown }>>(
      'SELECT COUNT(DISTINCT user_id) AS n FROM sessions WHERE expires_at > ? AND user_id IS NOT NULL',
      [after],
    );
    return Number(row.n);
  };

  beforeAll(async () => {
    databaseUrl = await freshDatabase('count_concurrency');
    const database = mysqlDatabaseConfig(databaseUrl, true);
    await runMigrations(database);
    users = await insertUsers(databaseUrl, 60, { prefix: 'concurrent-' });
    for (let i = 0; i < 3; i++) {
      const dataSource = await new DataSource(buildDataSourceOptions(database)).initialize();
      const clock = new SystemClock();
      const runner = new TransactionRunner(dataSource, clock);
      const count = new ActiveUserCountRepository(
        runner,
        new CountMaintenanceClaims(runner),
        clock,
      );
      replicas.push({ dataSource, count, sessions: new SessionRepository(runner, count) });
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.dataSource.destroy()));
    replicas = [];
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('keeps the count exact, lets recounts repair drift without losing writes, and never deadlocks', async () => {
    const deadlocksBefore = await deadlocks();
    // Drift, as rows written behind the app's back would cause: the recounts must repair it.
    await replicas[0].dataSource.query(
      'UPDATE active_user_count SET count = count + 7 WHERE id = 3',
    );

    const owned = new Map<string, number>(); // sid -> owner, of the sessions created here
    const write = async ({ count, sessions }: Replica) => {
      const now = Date.now();
      const roll = Math.random();
      const mine = [...owned.keys()];
      // Short lifetimes, so sessions expire (and are swept) while the test runs.
      const expiresAt = now + 200 + Math.floor(Math.random() * 2_000);
      // A log-in (a new session), or a session changing hands (locks both users, while
      // other writers move sessions the opposite way).
      const setOwner = async (id: string) => {
        const user = pick(users).id;
        owned.set(id, user);
        const time = { now, lifetimeMs: LIFETIME_MS };
        await count.applySessionChange(id, {
          kind: 'set',
          userId: user,
          data: '{}',
          expiresAt,
          ...time,
        });
      };
      if (roll < 0.35 || mine.length < 10) {
        await setOwner(sid());
      } else if (roll < 0.55) {
        const id = pick(mine);
        owned.delete(id);
        await count.applySessionChange(id, { kind: 'destroy' });
      } else if (roll < 0.75) {
        await setOwner(pick(mine));
      } else if (roll < 0.85) {
        const user = pick(users).id;
        for (const [id, owner] of owned) if (owner === user) owned.delete(id);
        await count.destroyUserSessions(user);
      } else {
        // A rolling touch, near its expiry (counted path) or far from it (fast path).
        await sessions.touch(pick(mine), now + (roll < 0.95 ? 1_000 : 120_000), '{}', {
          now,
          lifetimeMs: LIFETIME_MS,
        });
      }
    };

    let writing = true;
    let recountsDuringWrites = 0;
    const writers = replicas.flatMap((replica) =>
      Array.from({ length: 6 }, async () => {
        for (let i = 0; i < 100; i++) await write(replica);
      }),
    );
    const sweeper = (async () => {
      while (writing) {
        await replicas[2].sessions.purgeExpired(Date.now());
        await sleep(50);
      }
    })();
    const recounters = [replicas[0], replicas[1]].map(async ({ count }) => {
      while (writing) {
        await count.recount(Date.now());
        recountsDuringWrites += 1;
      }
    });
    await Promise.all(writers);
    writing = false;
    await Promise.all([sweeper, ...recounters]);

    // The writes have stopped: sweep to now, then compare with a full count of the sessions.
    const now = Date.now();
    const kept = await replicas[1].count.sweepExpired(now);
    const sweptUntil = await replicas[1].count.sweptUntil();
    expect(sweptUntil).toBe(now);
    expect(kept).toBe(await liveUsers(sweptUntil));
    expect(await replicas[2].count.read()).toBe(kept);
    expect(recountsDuringWrites).toBeGreaterThanOrEqual(4);
    const [{ recounts }] = await replicas[0].dataSource.query<Array<{ recounts: unknown }>>(
      'SELECT recounts FROM active_user_count WHERE id = 1',
    );
    expect(Number(recounts)).toBeGreaterThanOrEqual(1); // the drift's repair
    expect(await deadlocks()).toBe(deadlocksBefore);
  }, 120_000);

  it('takes user locks in one order: opposite moves, touches and log-ins of the same users never deadlock', async () => {
    const deadlocksBefore = await deadlocks();
    const [a, b, c] = users.map((user) => user.id);
    const now = Date.now();
    const far = { now, lifetimeMs: LIFETIME_MS, data: '{}', expiresAt: now + 600_000 };
    // One long-lived session per user, touched on the fast path (far from its expiry).
    const touched = new Map([a, b, c].map((user) => [user, sid()]));
    for (const [user, id] of touched) {
      await replicas[0].count.applySessionChange(id, { kind: 'set', userId: user, ...far });
    }
    // Sessions passed back and forth between two users, one per pair and replica: while one
    // goes from a to b, another goes from b to a (each lock both users, in opposite directions).
    const pairs = [
      [a, b],
      [b, a],
      [b, c],
      [c, b],
    ];
    const moving = replicas.map(() => pairs.map(() => sid()));
    for (const [r, ids] of moving.entries()) {
      for (const [p, id] of ids.entries()) {
        await replicas[r].count.applySessionChange(id, {
          kind: 'set',
          userId: pairs[p][0],
          ...far,
        });
      }
    }
    const work = replicas.flatMap((replica, r) => [
      ...pairs.map(async ([from, to], p) => {
        for (let i = 0; i < 40; i++) {
          const at = Date.now();
          await replica.count.applySessionChange(moving[r][p], {
            kind: 'set',
            userId: i % 2 === 0 ? to : from,
            ...far,
            now: at,
            expiresAt: at + 600_000,
          });
        }
      }),
      ...[a, b, c].map(async (user) => {
        for (let i = 0; i < 40; i++) {
          const at = Date.now();
          // Monotonic expiries, always more than the fast path's margin away.
          const time = { now: at, lifetimeMs: LIFETIME_MS };
          await replica.sessions.touch(
            touched.get(user)!,
            at + 700_000 + r * 1_000 + i,
            '{}',
            time,
          );
          const id = sid();
          await replica.count.applySessionChange(id, {
            kind: 'set',
            userId: user,
            ...far,
            now: at,
          });
          await replica.count.applySessionChange(id, { kind: 'destroy' });
        }
      }),
    ]);
    await Promise.all(work);
    expect(await deadlocks()).toBe(deadlocksBefore);
    const sweptUntil = await replicas[0].count.sweptUntil();
    expect(await replicas[0].count.read()).toBe(await liveUsers(sweptUntil));
  }, 120_000);

  it('grants each period of the upkeep to exactly one of many concurrent claimers', async () => {
    const schedule = { sweepEveryMs: 1_000, recountEveryMs: 10_000 };
    const start = Math.ceil(Date.now() / 10_000) * 10_000 + 20_000; // periods nobody claimed
    const granted: Array<string | null> = [];
    for (let period = 0; period < 12; period++) {
      const at = start + period * 1_000 + 500;
      const claims = replicas.flatMap(({ count }) =>
        Array.from({ length: 5 }, () => count.claimMaintenance(at, schedule)),
      );
      granted.push(...(await Promise.all(claims)));
    }
    expect(granted.filter((job) => job === 'recount')).toHaveLength(2); // periods 0 and 10
    expect(granted.filter((job) => job === 'sweep')).toHaveLength(10);
    expect(granted.filter((job) => job === null)).toHaveLength(12 * 15 - 12);
  });

  it("counts users across the recount's slices of user ids, gaps and all", async () => {
    const { dataSource, count } = replicas[0];
    // Behind the app's back (drift to repair), ids spread over several slices with gaps.
    const ids = [1, 2, 3].map((n) => 5_000_000 + n * RECOUNT_SLICE_USERS - 1);
    ids.push(ids[2] + 1, 9_000_000);
    for (const id of ids) {
      await dataSource.query(
        'INSERT INTO users (id, username, password_hash, created_at) VALUES (?, ?, ?, ?)',
        [id, `sliced-${id}`, 'x', Date.now()],
      );
      for (const copy of [1, 2]) {
        await dataSource.query(
          'INSERT INTO sessions (sid, user_id, expires_at, data) VALUES (?, ?, ?, ?)',
          [`sliced-${id}-${copy}`, id, Date.now() + 600_000, '{}'],
        );
      }
    }
    const recounted = await count.recount(Date.now());
    expect(recounted).toBe(await liveUsers(await count.sweptUntil()));
    expect(await count.read()).toBe(recounted);
  });
});
