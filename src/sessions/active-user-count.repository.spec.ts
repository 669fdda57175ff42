import { jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { FakeClock } from '../common/testing/fake-clock.js';
import { inMemoryDatabaseModule } from '../database/testing/in-memory-database.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { ActiveUserCountRepository } from './active-user-count.repository.js';
import { CountMaintenanceClaims } from './count-maintenance-claims.js';
import { SessionPurgeJob, PURGE_INTERVAL_MS } from './session-purge.job.js';
import { SessionRepository } from './session.repository.js';

// The count's recount and the claims of its upkeep on the embedded SQLite with the real
// migrations (MariaDB and TiDB, concurrently: test/auth/count-concurrency.e2e-spec.ts).
describe('ActiveUserCountRepository (SQLite)', () => {
  let clock: FakeClock;
  let dataSource: DataSource;
  let runner: TransactionRunner;
  let count: ActiveUserCountRepository;
  const schedule = { sweepEveryMs: 30_000, recountEveryMs: 300_000 };

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));

  beforeEach(async () => {
    clock = new FakeClock();
    const moduleRef = await Test.createTestingModule({
      imports: [inMemoryDatabaseModule()],
      providers: [
        { provide: Clock, useValue: clock },
        TransactionRunner,
        CountMaintenanceClaims,
        ActiveUserCountRepository,
      ],
    }).compile();
    dataSource = moduleRef.get(DataSource);
    runner = moduleRef.get(TransactionRunner);
    count = moduleRef.get(ActiveUserCountRepository);
  });

  afterEach(() => dataSource.destroy());

  const addUser = (id: number) =>
    dataSource.query(
      'INSERT INTO users (id, username, password_hash, created_at) VALUES (?, ?, ?, ?)',
      [id, `user-${id}`, 'x', clock.now()],
    );
  let sids = 0;
  const login = async (userId: number) => {
    const sid = `sid-${++sids}`;
    const now = clock.now();
    await count.applySessionChange(sid, {
      kind: 'set',
      userId,
      expiresAt: now + 600_000,
      data: '{}',
      now,
      lifetimeMs: 43_200_000,
    });
    return sid;
  };
  /** A session row written behind the app's back (the count does not know it). */
  const insertBehindTheBack = (userId: number) =>
    dataSource.query('INSERT INTO sessions (sid, user_id, expires_at, data) VALUES (?, ?, ?, ?)', [
      `behind-${++sids}`,
      userId,
      clock.now() + 600_000,
      '{}',
    ]);
  const recounts = async () => {
    const [row] = await dataSource.query<Array<{ recounts: unknown }>>(
      'SELECT recounts FROM active_user_count WHERE id = 1',
    );
    return Number(row.recounts);
  };
  /** Runs `meanwhile` after the recount's snapshot is taken, before its correction lands. */
  const afterSnapshot = (meanwhile: () => Promise<unknown>) => {
    const snapshot = runner.snapshot.bind(runner);
    jest.spyOn(runner, 'snapshot').mockImplementationOnce(async (work) => {
      const result = await snapshot(work);
      await meanwhile();
      return result;
    });
  };

  it('repairs a drift in one correction and writes nothing when there is none', async () => {
    for (const id of [1, 2, 3]) await addUser(id);
    await login(1);
    await login(1);
    await insertBehindTheBack(2);
    await expect(count.read()).resolves.toBe(1);

    await expect(count.recount(clock.now())).resolves.toBe(2);
    await expect(count.read()).resolves.toBe(2);
    expect(await recounts()).toBe(1);

    await expect(count.recount(clock.now())).resolves.toBe(2);
    expect(await recounts()).toBe(1); // nothing to repair: nothing written
  });

  it('keeps the count writes made while it scans (it takes no lock)', async () => {
    for (const id of [1, 2, 3]) await addUser(id);
    await login(1);
    await insertBehindTheBack(2); // drift: +1 to repair
    const loggedIn: string[] = [];
    afterSnapshot(async () => {
      loggedIn.push(await login(3)); // +1 while the recount scans
      await count.applySessionChange(loggedIn[0], { kind: 'destroy' }); // and -1 again
      loggedIn.push(await login(3));
    });

    await expect(count.recount(clock.now())).resolves.toBe(3);
    await expect(count.recount(clock.now())).resolves.toBe(3);
  });

  it('does not apply a correction twice when another recount landed since its snapshot', async () => {
    await addUser(1);
    await insertBehindTheBack(1);
    const otherReplica = new ActiveUserCountRepository(
      runner,
      new CountMaintenanceClaims(runner),
      clock,
    );
    afterSnapshot(() => otherReplica.recount(clock.now()));

    await expect(count.recount(clock.now())).resolves.toBe(1);
    expect(await recounts()).toBe(1);
  });

  it('grants each period of the upkeep to one replica: the recount every 10th, a sweep in the others', async () => {
    const replica = () =>
      new ActiveUserCountRepository(runner, new CountMaintenanceClaims(runner), clock);
    const replicas = [count, replica(), replica(), replica()];
    const claimAll = () =>
      Promise.all(replicas.map((r) => r.claimMaintenance(clock.now(), schedule)));
    // The clock starts on a recount period's first millisecond (FakeClock: 2025-01-01).
    await expect(claimAll()).resolves.toEqual(['recount', null, null, null]);
    await clock.advance(10_000);
    await expect(claimAll()).resolves.toEqual([null, null, null, null]);
    const granted: Array<string | null> = [];
    for (let period = 1; period < 20; period++) {
      await clock.advance(30_000);
      // Replicas ask in a different order each period: the first to ask gets it.
      const order = replicas.map((_, i) => replicas[(i + period) % replicas.length]);
      for (const replica of order)
        granted.push(await replica.claimMaintenance(clock.now(), schedule));
    }
    expect(granted.filter((job) => job === 'recount')).toHaveLength(1);
    expect(granted.filter((job) => job === 'sweep')).toHaveLength(18);
    expect(granted.filter((job) => job === null)).toHaveLength(3 * 19);
    const rows = await new CountMaintenanceClaims(runner).claims();
    expect(rows.map((row) => row.job)).toEqual(['purge', 'recount', 'sweep']);
    expect(rows[2].period).toBe(Math.floor(clock.now() / schedule.sweepEveryMs));
  });

  it('purges expired rows on one replica per purge period', async () => {
    await addUser(1);
    const expired = Array.from({ length: 25 }, (_, i) => ['old-' + i, 1, 1_000, '{}']);
    for (const row of expired) {
      await dataSource.query(
        'INSERT INTO sessions (sid, user_id, expires_at, data) VALUES (?, ?, ?, ?)',
        row,
      );
    }
    await count.sweepExpired(clock.now());
    const sessions = new SessionRepository(runner, count);
    const jobs = [1, 2].map(
      () => new SessionPurgeJob(sessions, new CountMaintenanceClaims(runner), clock),
    );
    await expect(jobs[0].purge()).resolves.toBe(25);
    await insertBehindTheBack(1);
    await dataSource.query("UPDATE sessions SET expires_at = 1000 WHERE sid LIKE 'behind-%'");
    await expect(jobs[1].purge()).resolves.toBe(0); // the period is claimed
    await clock.advance(PURGE_INTERVAL_MS);
    await expect(jobs[1].purge()).resolves.toBe(1);
  });
});
