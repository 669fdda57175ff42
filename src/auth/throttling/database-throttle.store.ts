import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { toNumber } from '../../sessions/session-sql.js';
import { ThrottleStore, type AttemptClaim, type WindowState } from './throttle-store.js';

/** Rows are keyed by the SHA-256 of the key: fixed length, whatever the username. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/**
 * The ThrottleStore in the database (tables `auth_rate_limits`, `login_failures`), shared
 * by every api replica. Each change is one short transaction that reads its row under a
 * lock (MySQL: SELECT ... FOR UPDATE; SQLite has one writer at a time) and writes it back,
 * so concurrent attempts on different replicas are counted one after the other: N
 * attempts get exactly the limit, never N times it. Two first attempts inserting the same
 * row at once collide on the primary key; TransactionRunner retries the loser, which then
 * finds the row and updates it.
 */
@Injectable()
export class DatabaseThrottleStore extends ThrottleStore {
  constructor(private readonly runner: TransactionRunner) {
    super();
  }

  hit(keys: string[], windowMs: number, now: number): Promise<WindowState[]> {
    // Sorted, so two attempts locking the same rows cannot deadlock.
    const hashes = keys.map(keyHash);
    const order = [...new Set(hashes)].sort();
    return this.runner.transaction(async (manager) => {
      const after = new Map<string, WindowState>();
      for (const hash of order) after.set(hash, await this.hitOne(manager, hash, windowMs, now));
      return hashes.map((hash) => ({ ...after.get(hash)! }));
    });
  }

  claimAttempt(
    key: string,
    now: number,
    forgetBefore: number,
    lockMs: (failures: number) => number,
  ): Promise<AttemptClaim> {
    const hash = keyHash(key);
    return this.runner.transaction(async (manager) => {
      const [row] = await manager.query<
        Array<{ failures: unknown; last_failure_at: unknown; locked_until: unknown }>
      >(
        `SELECT failures, last_failure_at, locked_until FROM login_failures WHERE key_hash = ?${this.forUpdate}`,
        [hash],
      );
      if (row && toNumber(row.locked_until) > now) {
        return {
          locked: true,
          failures: toNumber(row.failures),
          lockedUntil: toNumber(row.locked_until),
        };
      }
      const failures =
        row && toNumber(row.last_failure_at) > forgetBefore ? toNumber(row.failures) + 1 : 1;
      const lockFor = lockMs(failures);
      const lockedUntil = lockFor > 0 ? now + lockFor : 0;
      await manager.query(
        row
          ? 'UPDATE login_failures SET failures = ?, last_failure_at = ?, locked_until = ? WHERE key_hash = ?'
          : 'INSERT INTO login_failures (failures, last_failure_at, locked_until, key_hash) VALUES (?, ?, ?, ?)',
        [failures, now, lockedUntil, hash],
      );
      return { locked: false, failures, lockedUntil };
    });
  }

  async clearFailures(key: string): Promise<void> {
    await this.runner.query('DELETE FROM login_failures WHERE key_hash = ?', [keyHash(key)]);
  }

  async purge(now: number, forgetBefore: number): Promise<number> {
    const windows = await this.runner.affected('DELETE FROM auth_rate_limits WHERE reset_at <= ?', [
      now,
    ]);
    const streaks = await this.runner.affected(
      'DELETE FROM login_failures WHERE last_failure_at <= ? AND locked_until <= ?',
      [forgetBefore, now],
    );
    return windows + streaks;
  }

  private get forUpdate(): string {
    return this.runner.mysql ? ' FOR UPDATE' : '';
  }

  private async hitOne(
    manager: EntityManager,
    hash: string,
    windowMs: number,
    now: number,
  ): Promise<WindowState> {
    const [row] = await manager.query<Array<{ hits: unknown; reset_at: unknown }>>(
      `SELECT hits, reset_at FROM auth_rate_limits WHERE key_hash = ?${this.forUpdate}`,
      [hash],
    );
    const open = row !== undefined && toNumber(row.reset_at) > now;
    const window = open
      ? { hits: toNumber(row.hits) + 1, resetAt: toNumber(row.reset_at) }
      : { hits: 1, resetAt: now + windowMs };
    await manager.query(
      row
        ? 'UPDATE auth_rate_limits SET hits = ?, reset_at = ? WHERE key_hash = ?'
        : 'INSERT INTO auth_rate_limits (hits, reset_at, key_hash) VALUES (?, ?, ?)',
      [window.hits, window.resetAt, hash],
    );
    return window;
  }
}
