import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { inMemoryDatabaseModule } from '../../database/testing/in-memory-database.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { toNumber } from '../../sessions/session-sql.js';
import { DatabaseThrottleStore, keyHash } from './database-throttle.store.js';
import type { FailureState } from './throttle-store.js';

// The store's SQL on the embedded SQLite with the real migrations (MariaDB, two processes:
// test/auth/throttling-replicas.e2e-spec.ts).
describe('DatabaseThrottleStore (SQLite)', () => {
  let store: DatabaseThrottleStore;
  let dataSource: DataSource;
  const now = Date.parse('2026-01-01T00:00:00Z');
  const lockFromThird = (failures: number) => (failures >= 3 ? 1000 * failures : 0);

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [inMemoryDatabaseModule()],
      providers: [
        { provide: Clock, useValue: new FakeClock(now) },
        TransactionRunner,
        DatabaseThrottleStore,
      ],
    }).compile();
    store = moduleRef.get(DatabaseThrottleStore);
    dataSource = moduleRef.get(DataSource);
  });

  afterEach(() => dataSource.destroy());

  /** The streak of `key` as its row holds it, or null without a row. */
  async function streak(key: string): Promise<FailureState | null> {
    const [row] = await dataSource.query<Array<{ failures: unknown; locked_until: unknown }>>(
      'SELECT failures, locked_until FROM login_failures WHERE key_hash = ?',
      [keyHash(key)],
    );
    return row
      ? { failures: toNumber(row.failures), lockedUntil: toNumber(row.locked_until) }
      : null;
  }

  it('counts hits per key in fixed windows, concurrently', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => store.hit(['ip|A', 'user|alice'], 60_000, now)),
    );
    expect(results.map(([ip]) => ip.hits).sort()).toEqual([1, 2, 3, 4, 5]);
    expect(results.flat().every((window) => window.resetAt === now + 60_000)).toBe(true);
    await expect(store.hit(['user|alice', 'ip|B'], 60_000, now + 1)).resolves.toEqual([
      { hits: 6, resetAt: now + 60_000 },
      { hits: 1, resetAt: now + 60_001 },
    ]);
    // The window ends: a new one opens.
    await expect(store.hit(['ip|A'], 60_000, now + 60_000)).resolves.toEqual([
      { hits: 1, resetAt: now + 120_000 },
    ]);
    const [row] = await dataSource.query<Array<{ key_hash: string }>>(
      'SELECT key_hash FROM auth_rate_limits LIMIT 1',
    );
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/); // never the username or address itself
  });

  it('claims attempts as failures, locks from the policy, refuses while locked, forgets and clears', async () => {
    const forget = now - 86_400_000;
    await store.claimAttempt('k', now, forget, lockFromThird);
    await expect(store.claimAttempt('k', now + 1, forget, lockFromThird)).resolves.toEqual({
      locked: false,
      failures: 2,
      lockedUntil: 0,
    });
    await expect(store.claimAttempt('k', now + 2, forget, lockFromThird)).resolves.toEqual({
      locked: false,
      failures: 3,
      lockedUntil: now + 2 + 3000,
    });
    // Locked: refused, and the refusal records nothing.
    await expect(store.claimAttempt('k', now + 3, forget, lockFromThird)).resolves.toEqual({
      locked: true,
      failures: 3,
      lockedUntil: now + 3002,
    });
    await expect(streak('k')).resolves.toEqual({ failures: 3, lockedUntil: now + 3002 });
    await expect(streak('other')).resolves.toBeNull();
    // An attempt after the lock ended and the streak was forgotten starts a new one.
    const later = now + 10_000;
    await expect(store.claimAttempt('k', later, later - 1, lockFromThird)).resolves.toEqual({
      locked: false,
      failures: 1,
      lockedUntil: 0,
    });
    await store.clearFailures('k');
    await expect(streak('k')).resolves.toBeNull();
  });

  it('counts attempts made at the same time one after the other', async () => {
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => store.claimAttempt('k', now, 0, lockFromThird)),
    );
    expect(
      claims
        .filter((claim) => !claim.locked)
        .map((claim) => claim.failures)
        .sort(),
    ).toEqual([1, 2, 3]);
    expect(claims.filter((claim) => claim.locked)).toHaveLength(5);
  });

  it('purges ended windows and forgotten, unlocked streaks only', async () => {
    await store.hit(['old'], 1_000, now);
    await store.hit(['open'], 60_000, now);
    await store.claimAttempt('stale', now, 0, () => 0);
    await store.claimAttempt('locked', now, 0, () => 3_600_000);
    await store.claimAttempt('recent', now + 5_000, 0, () => 0);
    await expect(store.purge(now + 2_000, now + 1_000)).resolves.toBe(2); // 'old', 'stale'
    await expect(store.hit(['open'], 60_000, now + 2_000)).resolves.toEqual([
      { hits: 2, resetAt: now + 60_000 },
    ]);
    await expect(streak('locked')).resolves.toEqual({
      failures: 1,
      lockedUntil: now + 3_600_000,
    });
    await expect(streak('stale')).resolves.toBeNull();
    await expect(streak('recent')).resolves.not.toBeNull();
  });
});
