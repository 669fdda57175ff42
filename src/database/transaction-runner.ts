import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { DataSource, EntityManager } from 'typeorm';
import { backoffDelay } from '../common/backoff.js';
import { Clock } from '../common/clock.js';
import { registerOnce } from '../metrics/register-once.js';

/** Thrown by a transaction's work to have it run again from the start (after a short wait). */
export class RetryTransaction extends Error {}

/** Attempts per transaction before its error is passed on. */
export const MAX_TRANSACTION_ATTEMPTS = 5;
/** Waits between attempts: 5 ms doubling to 40 ms, plus up to 10 ms of jitter. */
const RETRY_BACKOFF = { initialMs: 5, maxMs: 40 };

/** Why a transaction was run again (the label of kiada_database_transaction_retries_total). */
export type RetryReason =
  'deadlock' | 'lock_wait_timeout' | 'duplicate_key' | 'write_conflict' | 'changed';

/**
 * Safe to retry as a whole, by server error number: MySQL/MariaDB/TiDB deadlock (1213) and
 * lock wait timeout (1205); a duplicate key (1062 / SQLite's primary-key constraint), e.g.
 * when two requests of one fresh session insert it at once (the retry finds the row and
 * updates it); TiDB's write conflict (9007), which its optimistic checks can still raise.
 */
const RETRYABLE_ERRNOS = new Map<number, RetryReason>([
  [1213, 'deadlock'],
  [1205, 'lock_wait_timeout'],
  [1062, 'duplicate_key'],
  [9007, 'write_conflict'],
]);

/**
 * TiDB gives up a statement whose pessimistic locks kept meeting newer writes after
 * `pessimistic-txn.max-retry-count` (256) tries, as a generic error 1105 with this message:
 * a write conflict too, retried as a whole like the others.
 */
const TIDB_LOCK_RETRIES_EXHAUSTED = /pessimistic lock retry limit reached/;

function retryReason(error: unknown): RetryReason | undefined {
  if (error instanceof RetryTransaction) return 'changed';
  const driverError = (
    error as { driverError?: { errno?: number; code?: string; message?: string } } | null
  )?.driverError;
  if (driverError?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'duplicate_key';
  if (driverError?.errno === 1105 && TIDB_LOCK_RETRIES_EXHAUSTED.test(driverError.message ?? '')) {
    return 'write_conflict';
  }
  return driverError?.errno === undefined ? undefined : RETRYABLE_ERRNOS.get(driverError.errno);
}

/**
 * Runs multi-statement work against the database the way the session tables need it:
 * - MySQL/MariaDB/TiDB: one READ COMMITTED transaction (every statement sees the latest
 *   commits, not a snapshot taken before a row lock was granted; InnoDB takes no gap locks);
 * - SQLite (the single-process embedded default): TypeORM shares one connection, so work
 *   runs one at a time (`exclusive`) to keep transactions from interleaving;
 * - deadlocks, lock wait timeouts, duplicate keys, write conflicts and RetryTransaction are
 *   retried as a whole, up to MAX_TRANSACTION_ATTEMPTS, waiting by the injected Clock, and
 *   counted in kiada_database_transaction_retries_total{reason} (a deadlock there means two
 *   transactions took their locks in different orders).
 */
@Injectable()
export class TransactionRunner {
  readonly mysql: boolean;
  private isTidb = false;
  private dialectProbe?: Promise<void>;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly retries = registerOnce(
    'kiada_database_transaction_retries_total',
    () =>
      new Counter({
        name: 'kiada_database_transaction_retries_total',
        help: 'Database transactions run again, by reason (deadlock, lock_wait_timeout, duplicate_key, write_conflict, changed: the data changed before a lock was granted).',
        labelNames: ['reason'] as const,
      }),
  );

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.mysql = dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb';
  }

  /**
   * True when the MySQL server is TiDB (known once a transaction or snapshot has run), whose
   * pessimistic locks differ: a statement that locks several rows is retried whole whenever
   * one of them meets a newer write, so under contention rows are better locked one by one.
   */
  get tidb(): boolean {
    return this.isTidb;
  }

  /** `work` in one transaction, retried as a whole on the errors above. */
  async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    await this.probeDialect();
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.exclusive(() =>
          this.mysql
            ? this.dataSource.transaction('READ COMMITTED', work)
            : this.dataSource.transaction(work),
        );
      } catch (error) {
        const reason = retryReason(error);
        if (attempt >= MAX_TRANSACTION_ATTEMPTS || reason === undefined) throw error;
        this.retries.inc({ reason });
        await this.clock.sleep(backoffDelay(attempt, RETRY_BACKOFF) + Math.random() * 10);
      }
    }
  }

  /**
   * Read-only `work` on one consistent snapshot of the database, taking no locks: on MySQL,
   * MariaDB and TiDB a REPEATABLE READ transaction started WITH CONSISTENT SNAPSHOT, so every
   * statement of `work` sees the commits made before it started and none after, while
   * writers go on unhindered; on SQLite a plain transaction (one at a time anyway).
   */
  async snapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.mysql) return this.exclusive(() => this.dataSource.transaction(work));
    await this.probeDialect();
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await runner.query('START TRANSACTION WITH CONSISTENT SNAPSHOT');
      try {
        return await work(runner.manager);
      } finally {
        // Nothing was written: ending the transaction is all ROLLBACK does here.
        await runner.query('ROLLBACK').catch(() => undefined);
      }
    } finally {
      await runner.release();
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

  /** Finds out once whether the MySQL server is TiDB (its VERSION() says so). */
  private probeDialect(): Promise<void> {
    if (!this.mysql) return Promise.resolve();
    this.dialectProbe ??= this.dataSource
      .query<Array<{ version: string }>>('SELECT VERSION() AS version')
      .then(([row]) => {
        this.isTidb = /TiDB/i.test(row?.version ?? '');
      })
      .catch((error: unknown) => {
        this.dialectProbe = undefined; // asked again by the next transaction
        throw error;
      });
    return this.dialectProbe;
  }

  /** SQLite: one piece of work at a time on TypeORM's single shared connection. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.mysql) return work();
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
