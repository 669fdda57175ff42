import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { inMemoryDatabaseModule } from '../../database/testing/in-memory-database.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { ActiveUserCountRepository } from '../../sessions/active-user-count.repository.js';
import { CountMaintenanceClaims } from '../../sessions/count-maintenance-claims.js';
import { SessionRepository } from '../../sessions/session.repository.js';
import { DatabaseSessionStore } from './database-session.store.js';
import { loggedInSessionData, sessionRecord } from './session-record.js';
import type { SessionData } from './session-data.js';

// The store and its count on the embedded SQLite with the real migrations (MariaDB: test/auth).
// Time is a FakeClock: expiries are set and passed without real sleeps.
describe('DatabaseSessionStore (SQLite)', () => {
  let store: DatabaseSessionStore;
  let count: ActiveUserCountRepository;
  let sessions: SessionRepository;
  let clock: FakeClock;
  let dataSource: DataSource;

  const data = (user: unknown, expiresAt: number) =>
    ({
      cookie: { expires: new Date(expiresAt), originalMaxAge: 60_000 },
      passport: { user },
    }) as unknown as SessionData;
  const set = (sid: string, user: unknown, expiresAt = clock.now() + 600_000) =>
    store.set(sid, data(user, expiresAt));
  const touch = (target: DatabaseSessionStore, sid: string, user: unknown, expiresAt: number) =>
    target.touch(sid, data(user, expiresAt));
  const storedExpiry = async (sid: string) => {
    const [row] = await dataSource.query<Array<{ expires_at: unknown }>>(
      'SELECT expires_at FROM sessions WHERE sid = ?',
      [sid],
    );
    return Number(row.expires_at);
  };
  /** A store as another api replica would have it, with SESSION_TOUCH_AFTER_SECONDS. */
  const storeWithTouchAfter = (
    touchAfterSeconds: number,
    ttlSeconds = 1800,
    absoluteTtlSeconds = 43_200,
  ) =>
    new DatabaseSessionStore(sessions, count, clock, {
      get: () => ({ ttlSeconds, touchAfterSeconds, absoluteTtlSeconds }),
    } as unknown as ConstructorParameters<typeof DatabaseSessionStore>[3]);
  /** Counts the UPDATEs of sessions rows sent from now on. */
  const countSessionUpdates = () => {
    const statements: string[] = [];
    const wrapped = new WeakSet<object>(); // SQLite hands out one shared runner
    const create = dataSource.createQueryRunner.bind(dataSource);
    dataSource.createQueryRunner = (...args) => {
      const runner = create(...args);
      if (wrapped.has(runner)) return runner;
      wrapped.add(runner);
      const query = runner.query.bind(runner);
      runner.query = ((sql: string, ...rest: unknown[]) => {
        statements.push(sql);
        return (query as (...a: unknown[]) => unknown)(sql, ...rest);
      }) as typeof runner.query;
      return runner;
    };
    return () => statements.filter((sql) => /^\s*UPDATE sessions/i.test(sql)).length;
  };
  const destroy = (sid: string) => store.destroy(sid);
  const get = (sid: string) => store.get(sid);

  beforeEach(async () => {
    clock = new FakeClock();
    const moduleRef = await Test.createTestingModule({
      imports: [inMemoryDatabaseModule()],
      providers: [
        { provide: Clock, useValue: clock },
        TransactionRunner,
        CountMaintenanceClaims,
        ActiveUserCountRepository,
        SessionRepository,
        DatabaseSessionStore,
        {
          provide: ConfigService,
          useValue: { get: () => ({ ttlSeconds: 1800, absoluteTtlSeconds: 43_200 }) },
        },
      ],
    }).compile();
    store = moduleRef.get(DatabaseSessionStore);
    count = moduleRef.get(ActiveUserCountRepository);
    sessions = moduleRef.get(SessionRepository);
    dataSource = moduleRef.get(DataSource);
    for (const name of ['one', 'two', 'three']) {
      await dataSource.query(
        'INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)',
        [name, 'h', 0],
      );
    }
  });

  afterEach(() => dataSource.destroy());

  it('stores, reads back and destroys sessions; expired ones read as missing', async () => {
    await set('s1', 1);
    await expect(get('s1')).resolves.toMatchObject({ passport: { user: 1 } });
    await set('old', 2, clock.now() - 1);
    await expect(get('old')).resolves.toBeNull();
    await destroy('s1');
    await expect(get('s1')).resolves.toBeNull();
  });

  it('counts users with a live session, concurrently written', async () => {
    await Promise.all([set('a1', 1), set('a2', 1), set('b1', 2), set('anon', undefined)]);
    await expect(count.read()).resolves.toBe(2);
    await destroy('a1');
    await expect(count.read()).resolves.toBe(2);
    await Promise.all([destroy('a2'), destroy('b1')]);
    await expect(count.read()).resolves.toBe(0);
  });

  it('moves the count when a session changes owner (log-out keeps the row without user)', async () => {
    await set('s', 1);
    await set('s', undefined);
    await expect(count.read()).resolves.toBe(0);
    await set('s', 3);
    await expect(count.read()).resolves.toBe(1);
  });

  it('sweeps expirations and recounts to the same number', async () => {
    await Promise.all([set('a', 1), set('b1', 2), set('b2', 2), set('c', 3)]);
    await dataSource.query("UPDATE sessions SET expires_at = ? WHERE sid IN ('a', 'b1')", [
      clock.now() - 10,
    ]);
    await expect(count.sweepExpired(clock.now())).resolves.toBe(2);
    await expect(count.recount(clock.now())).resolves.toBe(2);
    await expect(sessions.purgeExpired(clock.now())).resolves.toBe(0); // swept, but within the grace period
    await dataSource.query("UPDATE sessions SET expires_at = 1 WHERE sid = 'a'");
    await expect(sessions.purgeExpired(clock.now())).resolves.toBe(1);
    await expect(count.recount(clock.now())).resolves.toBe(2);
  });

  it('re-counts a user whose swept session is touched', async () => {
    await set('s', 1, clock.now() + 50);
    await clock.advance(60);
    await expect(count.sweepExpired(clock.now())).resolves.toBe(0);
    await store.touch('s', data(1, clock.now() + 600_000));
    await expect(count.read()).resolves.toBe(1);
    await expect(count.recount(clock.now())).resolves.toBe(1);
  });

  it('takes the user id from either session shape (the user object or the old numeric id)', async () => {
    await set('new', { id: 2, username: 'two', createdAt: 0 });
    await set('old', 3);
    await set('bad', { id: 'x', username: 'one', createdAt: 0 });
    const rows = await dataSource.query<Array<{ sid: string; user_id: unknown }>>(
      'SELECT sid, user_id FROM sessions ORDER BY sid',
    );
    expect(rows.map((row) => [row.sid, row.user_id === null ? null : Number(row.user_id)])).toEqual(
      [
        ['bad', null],
        ['new', 2],
        ['old', 3],
      ],
    );
    await expect(count.read()).resolves.toBe(2);
  });

  it('touchAfter: a touch within it writes nothing, one past it writes the new expiry', async () => {
    const replica = storeWithTouchAfter(60);
    const start = clock.now() + 600_000;
    await replica.set('s', data(1, start));
    const updates = countSessionUpdates();

    await touch(replica, 's', 1, start + 30_000);
    await touch(replica, 's', 1, start + 59_000);
    expect(updates()).toBe(0);
    await expect(storedExpiry('s')).resolves.toBe(start);

    await touch(replica, 's', 1, start + 61_000);
    expect(updates()).toBe(1);
    await expect(storedExpiry('s')).resolves.toBe(start + 61_000);
    // Measured from the expiry now stored, not from the first one.
    await touch(replica, 's', 1, start + 100_000);
    expect(updates()).toBe(1);
    await expect(count.read()).resolves.toBe(1);
  });

  it('touchAfter: knows the stored expiry from get, and 0 writes every touch', async () => {
    const start = clock.now() + 600_000;
    await set('s', 1, start);
    const replica = storeWithTouchAfter(60);
    const always = storeWithTouchAfter(0);
    const updates = countSessionUpdates();

    await touch(replica, 's', 1, start + 1_000); // never saw the session: writes
    expect(updates()).toBe(1);
    await dataSource.query('UPDATE sessions SET expires_at = ? WHERE sid = ?', [start, 's']);
    const other = storeWithTouchAfter(60);
    await other.get('s');
    await touch(other, 's', 1, start + 1_000); // get read the stored expiry: no write
    await expect(storedExpiry('s')).resolves.toBe(start);

    await touch(always, 's', 1, start + 2_000);
    await touch(always, 's', 1, start + 3_000);
    await expect(storedExpiry('s')).resolves.toBe(start + 3_000);
  });

  it('touchAfter is capped at half the TTL, so an active session is always extended', async () => {
    const replica = storeWithTouchAfter(3600, 120);
    const start = clock.now() + 60_000;
    await replica.set('s', data(1, start));
    await touch(replica, 's', 1, start + 59_000);
    await expect(storedExpiry('s')).resolves.toBe(start);
    await touch(replica, 's', 1, start + 60_000);
    await expect(storedExpiry('s')).resolves.toBe(start + 60_000);
  });

  it('touchAfter leaves the count right when a swept session is touched past it', async () => {
    const replica = storeWithTouchAfter(60);
    await replica.set('s', data(1, clock.now() + 50));
    await clock.advance(60);
    await expect(count.sweepExpired(clock.now())).resolves.toBe(0);
    await touch(replica, 's', 1, clock.now() + 600_000);
    await expect(count.read()).resolves.toBe(1);
    await expect(count.recount(clock.now())).resolves.toBe(1);
  });

  it('reads a session seeded with the shared encoder as a logged-in user', async () => {
    const user = { id: 2, username: 'two', createdAt: 0 };
    const expiresAt = clock.now() + 600_000;
    const record = sessionRecord(loggedInSessionData(user, expiresAt, 1_800_000), 0, 0);
    expect(record).toMatchObject({ userId: 2, expiresAt });
    await dataSource.query(
      'INSERT INTO sessions (sid, user_id, expires_at, data) VALUES (?, ?, ?, ?)',
      ['seeded', record.userId, record.expiresAt, record.data],
    );
    await expect(get('seeded')).resolves.toMatchObject({ passport: { user } });
    await expect(count.recount(clock.now())).resolves.toBe(1);
  });

  describe('absolute lifetime', () => {
    const HOUR = 3_600_000;
    const getFrom = (target: DatabaseSessionStore, sid: string) => target.get(sid);

    it('caps every expiry at log-in + the lifetime, however active, then the session is gone', async () => {
      const replica = storeWithTouchAfter(0, 1800, 3600); // 30 min idle, 1 h absolute
      const loggedInAt = clock.now();
      await replica.set('s', data(1, loggedInAt + 1800_000));
      for (let minute = 10; minute <= 50; minute += 10) {
        await clock.advance(10 * 60_000);
        await touch(replica, 's', 1, clock.now() + 1800_000);
        await expect(getFrom(replica, 's')).resolves.toMatchObject({ passport: { user: 1 } });
      }
      // 50 min in: the idle expiry would be 1 h 20 min, the cap holds it at 1 h.
      await expect(storedExpiry('s')).resolves.toBe(loggedInAt + HOUR);
      await clock.advance(10 * 60_000 + 1);
      await expect(getFrom(replica, 's')).resolves.toBeNull();
      // The count follows: the capped expiry is swept like any other.
      await expect(count.read()).resolves.toBe(1);
      await expect(count.sweepExpired(clock.now())).resolves.toBe(0);
      await expect(count.recount(clock.now())).resolves.toBe(0);
    });

    it('writes a capped session no more (touchAfter), and a new log-in starts a new lifetime', async () => {
      const replica = storeWithTouchAfter(60, 1800, 3600);
      const loggedInAt = clock.now();
      await replica.set('s', data(1, loggedInAt + 1800_000));
      await clock.advance(45 * 60_000);
      const updates = countSessionUpdates();
      // Each request reads its session, then touches it (the session hooks' order).
      // Past the cap: the fast path's UPDATE matches nothing, the counted path caps it.
      await getFrom(replica, 's');
      await touch(replica, 's', 1, clock.now() + 1800_000);
      expect(updates()).toBe(2);
      // Later requests read a capped session and write nothing.
      for (let minute = 0; minute < 3; minute++) {
        await clock.advance(60_000);
        await getFrom(replica, 's');
        await touch(replica, 's', 1, clock.now() + 1800_000);
      }
      expect(updates()).toBe(2);
      await expect(storedExpiry('s')).resolves.toBe(loggedInAt + HOUR);

      await replica.set('fresh', data(1, clock.now() + 1800_000));
      await expect(storedExpiry('fresh')).resolves.toBe(clock.now() + 1800_000);
    });

    it('refuses a session created longer ago than a lifetime lowered since', async () => {
      await set('s', 1, clock.now() + 3 * HOUR); // written under the 12 h lifetime
      await clock.advance(2 * HOUR);
      const stricter = storeWithTouchAfter(60, 1800, 3600);
      await expect(getFrom(stricter, 's')).resolves.toBeNull();
      await expect(get('s')).resolves.not.toBeNull();
    });
  });

  describe("a user's sessions", () => {
    it('lists the live ones with creation, last write and User-Agent', async () => {
      const loggedInAt = clock.now();
      await set('a', 1);
      await sessions.recordUserAgent('a', `Firefox/140 ${'x'.repeat(300)}`);
      await clock.advance(60_000);
      await set('b', 1);
      await set('other', 2);
      await set('dead', 1, clock.now() - 1);
      await clock.advance(120_000);
      await storeWithTouchAfter(0).touch('a', data(1, clock.now() + 600_000));

      const listed = await sessions.listOf(1, clock.now(), 43_200_000);
      expect(listed.map((session) => session.sid)).toEqual(['b', 'a']);
      expect(listed[1]).toEqual({
        sid: 'a',
        createdAt: loggedInAt,
        lastSeenAt: loggedInAt + 180_000,
        userAgent: expect.stringMatching(/^Firefox\/140 x+$/),
      });
      expect(listed[1].userAgent).toHaveLength(255);
      expect(listed[0]).toMatchObject({ createdAt: loggedInAt + 60_000, userAgent: null });
    });

    it('ends them all at once, moving the count once', async () => {
      await Promise.all([set('a1', 1), set('a2', 1), set('b', 2)]);
      await expect(count.read()).resolves.toBe(2);
      await expect(count.destroyUserSessions(1)).resolves.toBe(2);
      await expect(count.read()).resolves.toBe(1);
      await expect(get('a1')).resolves.toBeNull();
      await expect(get('b')).resolves.not.toBeNull();
      await expect(count.destroyUserSessions(1)).resolves.toBe(0);
      await expect(count.read()).resolves.toBe(1);
      await expect(count.recount(clock.now())).resolves.toBe(1);
    });
  });
});
