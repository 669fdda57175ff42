import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { SessionData } from 'express-session';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../database/data-source-options.js';
import { TypeormSessionStore } from './typeorm-session.store.js';

// The store and its count on the embedded SQLite with the real migrations (MariaDB: test/auth).
describe('TypeormSessionStore (SQLite)', () => {
  let store: TypeormSessionStore;
  let dataSource: DataSource;

  const data = (user: number | undefined, expiresAt: number) =>
    ({
      cookie: { expires: new Date(expiresAt), originalMaxAge: 60_000 },
      passport: { user },
    }) as unknown as SessionData;
  const call = (run: (done: (error?: unknown) => void) => void) =>
    new Promise<void>((resolve, reject) => run((error) => (error ? reject(error) : resolve())));
  const set = (sid: string, user: number | undefined, expiresAt = Date.now() + 600_000) =>
    call((done) => store.set(sid, data(user, expiresAt), done));
  const destroy = (sid: string) => call((done) => store.destroy(sid, done));
  const get = (sid: string) =>
    new Promise<SessionData | null | undefined>((resolve, reject) =>
      store.get(sid, (error, session) => (error ? reject(error) : resolve(session))),
    );

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({
          ...buildDataSourceOptions({
            type: 'better-sqlite3',
            sqlitePath: ':memory:',
            migrate: true,
          }),
          migrationsRun: true,
        }),
      ],
      providers: [
        TypeormSessionStore,
        { provide: ConfigService, useValue: { get: () => ({ ttlSeconds: 1800 }) } },
      ],
    }).compile();
    store = moduleRef.get(TypeormSessionStore);
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
    await set('old', 2, Date.now() - 1);
    await expect(get('old')).resolves.toBeNull();
    await destroy('s1');
    await expect(get('s1')).resolves.toBeNull();
  });

  it('counts users with a live session, concurrently written', async () => {
    await Promise.all([set('a1', 1), set('a2', 1), set('b1', 2), set('anon', undefined)]);
    await expect(store.read()).resolves.toBe(2);
    await destroy('a1');
    await expect(store.read()).resolves.toBe(2);
    await Promise.all([destroy('a2'), destroy('b1')]);
    await expect(store.read()).resolves.toBe(0);
  });

  it('moves the count when a session changes owner (log-out keeps the row without user)', async () => {
    await set('s', 1);
    await set('s', undefined);
    await expect(store.read()).resolves.toBe(0);
    await set('s', 3);
    await expect(store.read()).resolves.toBe(1);
  });

  it('sweeps expirations and recounts to the same number', async () => {
    await Promise.all([set('a', 1), set('b1', 2), set('b2', 2), set('c', 3)]);
    await dataSource.query("UPDATE sessions SET expires_at = ? WHERE sid IN ('a', 'b1')", [
      Date.now() - 10,
    ]);
    await expect(store.sweepExpired(Date.now())).resolves.toBe(2);
    await expect(store.recount(Date.now())).resolves.toBe(2);
    await expect(store.purgeExpired(Date.now())).resolves.toBe(0); // swept, but within the grace period
    await dataSource.query("UPDATE sessions SET expires_at = 1 WHERE sid = 'a'");
    await expect(store.purgeExpired(Date.now())).resolves.toBe(1);
    await expect(store.recount(Date.now())).resolves.toBe(2);
  });

  it('re-counts a user whose swept session is touched', async () => {
    await set('s', 1, Date.now() + 50);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await expect(store.sweepExpired(Date.now())).resolves.toBe(0);
    await call((done) => store.touch('s', data(1, Date.now() + 600_000), done));
    await expect(store.read()).resolves.toBe(1);
    await expect(store.recount(Date.now())).resolves.toBe(1);
  });
});
