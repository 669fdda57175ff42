import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { backoffDelay } from '../common/backoff.js';
import { Clock } from '../common/clock.js';

/** Thrown by a transaction's work to have it run again from the start (after a short wait). */
export class RetryTransaction extends Error {}

/** Attempts per transaction before its error is passed on. */
export const MAX_TRANSACTION_ATTEMPTS = 5;
/** Waits between attempts: 5 ms doubling to 40 ms, plus up to 10 ms of jitter. */
const RETRY_BACKOFF = { initialMs: 5, maxMs: 40 };

/**
 * Safe to retry as a whole: MySQL/MariaDB deadlock (1213), lock wait timeout (1205), and a
 * duplicate key (1062 / SQLite's primary-key constraint), e.g. when two requests of one
 * fresh session insert it at once (the retry finds the row and updates it).
 */
const RETRYABLE_ERRNOS = new Set([1213, 1205, 1062]);

function isRetryable(error: unknown): boolean {
  if (error instanceof RetryTransaction) return true;
  const driverError = (error as { driverError?: { errno?: number; code?: string } } | null)
    ?.driverError;
  if (driverError?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  return driverError?.errno !== undefined && RETRYABLE_ERRNOS.has(driverError.errno);
}

/**
 * Runs multi-statement work against the database the way the session tables need it:
 * - MySQL/MariaDB: one READ COMMITTED transaction (every statement sees the latest commits,
 *   not a snapshot taken before a row lock was granted; InnoDB takes no gap locks);
 * - SQLite (the single-process embedded default): TypeORM shares one connection, so work
 *   runs one at a time (`exclusive`) to keep transactions from interleaving;
 * - deadlocks, lock wait timeouts, duplicate keys and RetryTransaction are retried as a
 *   whole, up to MAX_TRANSACTION_ATTEMPTS, waiting by the injected Clock.
 */
@Injectable()
export class TransactionRunner {
  readonly mysql: boolean;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.mysql = dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb';
  }

  /** `work` in one transaction, retried as a whole on the errors above. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.exclusive(() =>
          this.mysql
            ? this.dataSource.transaction('READ COMMITTED', work)
            : this.dataSource.transaction(work),
        );
      } catch (error) {
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || !isRetryable(error)) throw error;
        await this.clock.sleep(backoffDelay(attempt, RETRY_BACKOFF) + Math.random() * 10);
      }
    }
  }

  /** One statement outside a transaction (its result rows). */
  query<T>(sql: string, parameters: unknown[]): Promise<T> {
    return this.exclusive(() => this.dataSource.query<T>(sql, parameters));
  }

  /** Runs an UPDATE or DELETE and resolves to the number of rows it changed. */
  affected(sql: string, parameters: unknown[]): Promise<number> {
    return this.exclusive(async () => {
      const runner = this.dataSource.createQueryRunner();
      try {
        const result = await runner.query(sql, parameters, true);
        return result.affected ?? 0;
      } finally {
        await runner.release();
      }
    });
  }

  /** SQLite: one piece of work at a time on TypeORM's single shared connection. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.mysql) return work();
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
