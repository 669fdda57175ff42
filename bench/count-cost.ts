// Benchmark 4a: what requests and the active-user count cost as live sessions grow. At each
// size (10k, 100k, 1M; 10M in full mode only), on one scratch database filled cumulatively:
// an api process serves log-ins, log-outs (each a count write) and GET /auth/me of random
// live sessions; the app's own ActiveUserCountRepository, imported from src/, reads the kept
// count, sweeps 1,000 expirations and recounts; the api's RSS. At 1M (quick: 100k) the
// recount's effect on count writes is measured too (recount-impact.ts).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import {
  Argon2PasswordHasher,
  OWASP_ARGON2ID,
} from '../src/auth/password/argon2-password-hasher.js';
import { SystemClock } from '../src/common/clock.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { ActiveUserCountRepository } from '../src/sessions/active-user-count.repository.js';
import { CountMaintenanceClaims } from '../src/sessions/count-maintenance-claims.js';
import { migrateDatabase } from '../test/support/app-process.js';
import { dropDatabase, freshDatabase, mysqlDatabaseConfig } from '../test/support/database.js';
import { DEFAULT_PASSWORD } from '../test/support/http-user.js';
import { fillActiveUsers, insertUsers } from '../test/support/seed-users.js';
import { SESSION_TTL_MS, startApiWithoutCluster } from './lib/bench-app.js';
import { latencySummary, runLoad, type LoadRequest } from './lib/http-load.js';
import {
  cookieOf,
  cookieRequest,
  LiveIds,
  LOGIN_USER_FIRST_ID,
  loginRequest,
} from './lib/session-load.js';
import { log, now } from './lib/progress.js';
import { round, summary } from './lib/statistics.js';
import { recountImpactBenchmark, type RecountImpactOptions } from './recount-impact.js';

/** Sessions a sweep of the table uncounts (expired on purpose before it). */
const SWEPT_EXPIRATIONS = 1_000;

export interface CountCostOptions {
  sizes: number[];
  /** Seconds of each load (log-in, log-out, /auth/me) at each size. */
  loadS: number;
  /** The size at which the recount's effect on count writes is measured. */
  impactAt: number;
  impact: Omit<RecountImpactOptions, 'databaseUrl' | 'size' | 'store' | 'liveIds' | 'logDir'>;
  logDir: string;
}

async function timeIt<T>(runs: number, operation: () => Promise<T>) {
  const times: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const start = now();
    value = await operation();
    times.push(now() - start);
  }
  const s = summary(times);
  return { value, runs, p50Ms: round(s.p50, 2), maxMs: round(s.max, 2) };
}

/** Sessions of these users were used just now (their expiry moved, as a touch does). */
async function markUsed(dataSource: DataSource, userIds: number[]): Promise<void> {
  for (let i = 0; i < userIds.length; i += 5_000) {
    await dataSource.query('UPDATE sessions SET expires_at = ? WHERE user_id IN (?)', [
      Date.now() + SESSION_TTL_MS,
      userIds.slice(i, i + 5_000),
    ]);
  }
}

/**
 * Waits (at most 5 minutes, progress every 15 s) until the server writes less than 2 MB/s
 * (Innodb_data_written over 3 s): the seeding leaves gigabytes of dirty pages that it
 * writes out for minutes, which the loads would otherwise compete with.
 */
async function waitForFlush(dataSource: DataSource): Promise<void> {
  const written = async () => {
    const [row] = await dataSource.query<Array<{ Value: string }>>(
      "SHOW GLOBAL STATUS LIKE 'Innodb_data_written'",
    );
    return Number(row?.Value ?? 0);
  };
  const start = now();
  let lastLog = start;
  for (let before = await written(); now() - start < 300_000;) {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const after = await written();
    const mbPerSecond = (after - before) / 3 / 1_048_576;
    before = after;
    if (mbPerSecond < 2) return;
    if (now() - lastLog > 15_000) {
      lastLog = now();
      log(`count: waiting for the server to write the seeded pages (${round(mbPerSecond)} MB/s)`);
    }
  }
}

export async function countCostBenchmark(options: CountCostOptions) {
  const { sizes, loadS, logDir } = options;
  const databaseUrl = await freshDatabase(`bench_count_${process.pid}`);
  const rows = [];
  let impact: Awaited<ReturnType<typeof recountImpactBenchmark>> | undefined;
  let dataSource: DataSource | undefined;
  const server = { bufferPoolMb: null as number | null };
  try {
    await migrateDatabase(databaseUrl);
    const database = mysqlDatabaseConfig(databaseUrl);
    dataSource = await new DataSource(buildDataSourceOptions(database)).initialize();
    const [pool] = await dataSource.query<Array<{ bytes: unknown }>>(
      'SELECT @@innodb_buffer_pool_size AS bytes',
    );
    server.bufferPoolMb = round(Number(pool?.bytes) / 1_048_576);
    log(
      `count: the server's InnoDB buffer pool holds ${server.bufferPoolMb} MB ` +
        '(past it, every request reads pages from disk; innodb_buffer_pool_size)',
    );
    const clock = new SystemClock();
    const runner = new TransactionRunner(dataSource, clock);
    const store = new ActiveUserCountRepository(runner, new CountMaintenanceClaims(runner), clock);
    const passwordHash = await new Argon2PasswordHasher(OWASP_ARGON2ID).hash(DEFAULT_PASSWORD);
    const loginUsers = await insertUsers(databaseUrl, 300, {
      prefix: 'cost-login-',
      passwordHash,
      firstId: LOGIN_USER_FIRST_ID,
    });
    const live = new LiveIds(0);
    let filled = 0;
    for (const size of sizes) {
      const seedStart = now();
      let reported = filled;
      await fillActiveUsers(databaseUrl, filled, size, SESSION_TTL_MS, 'count-', (to) => {
        if (to - reported >= Math.max(100_000, (size - filled) / 10) || to === size) {
          reported = to;
          const seconds = (now() - seedStart) / 1000;
          log(
            `count: seeding ${to.toLocaleString('en')} / ${size.toLocaleString('en')} live sessions (${round(seconds)} s)`,
          );
        }
      });
      await dataSource.query('ANALYZE TABLE sessions');
      await waitForFlush(dataSource);
      filled = size;
      live.size = size;
      const seedS = round((now() - seedStart) / 1000);
      log(`count: ${size.toLocaleString('en')} live sessions; loads of ${loadS} s each`);

      const api = await startApiWithoutCluster(
        databaseUrl,
        { SCALING_RESYNC_SECONDS: '3600' },
        { logDir, name: `count-api-${size}` },
      );
      let loads;
      try {
        const load = (
          connections: number,
          request: (n: number) => LoadRequest,
          expectedStatus: number,
          maxRequests = 1e9,
        ) =>
          runLoad({
            url: api.url,
            connections,
            durationMs: loadS * 1000,
            maxRequests,
            request,
            expectedStatus,
          });
        const usernames = loginUsers.map((user) => user.username);
        const login = await load(4, loginRequest(usernames), 200);
        // Sessions of active users, used within SESSION_TOUCH_AFTER_SECONDS (their rows are
        // what the database keeps in memory): a log-out ends one, /auth/me reads one without
        // writing (a touch is at most one request a minute per session).
        const leavingIds = live.take(Math.min(5_000, Math.floor(size / 4)));
        const stayingIds = live.take(5_000);
        await markUsed(dataSource, [...leavingIds, ...stayingIds]);
        const leaving = leavingIds.map(cookieOf);
        const logout = await load(
          8,
          cookieRequest('POST', '/auth/logout', leaving),
          204,
          leaving.length,
        );
        const me = await load(16, cookieRequest('GET', '/auth/me', stayingIds.map(cookieOf)), 200);
        loads = { login, logout, me, rssMb: round((api.hwmKb() ?? 0) / 1024) };
      } finally {
        await api.stop().catch(() => undefined);
      }
      const rssMb = loads.rssMb;

      const read = await timeIt(20, () => store.read());
      const sweepMs: number[] = [];
      for (let run = 0; run < 3; run++) {
        // Expired just now, after the last sweep: the sweep uncounts exactly these users.
        await dataSource.query('UPDATE sessions SET expires_at = ? WHERE user_id IN (?)', [
          Date.now() - 1,
          live.take(SWEPT_EXPIRATIONS),
        ]);
        const start = now();
        await store.sweepExpired(Date.now());
        sweepMs.push(now() - start);
      }
      const recount = await timeIt(3, () => store.recount(Date.now()));
      const figures = (result: typeof loads.login) => ({
        ...latencySummary(result.latenciesMs),
        rps: round(result.ok / result.seconds),
        failed: result.failed,
      });
      const [table] = await dataSource.query<Array<{ mb: unknown }>>(
        'SELECT (data_length + index_length) / 1048576 AS mb FROM information_schema.TABLES ' +
          "WHERE table_schema = DATABASE() AND table_name = 'sessions'",
      );
      const row = {
        sessions: size,
        seedS,
        sessionsTableMb: round(Number(table?.mb)),
        login: figures(loads.login),
        logout: figures(loads.logout),
        me: figures(loads.me),
        readMs: read.p50Ms,
        sweepMs: round(summary(sweepMs).p50, 2),
        recountMs: recount.p50Ms,
        recountCount: recount.value,
        apiRssMb: rssMb,
      };
      log(
        `count: ${size.toLocaleString('en')}: login p50/p99 ${row.login.p50}/${row.login.p99} ms, ` +
          `logout ${row.logout.p50}/${row.logout.p99}, /auth/me ${row.me.p50}/${row.me.p99}; ` +
          `read ${row.readMs} ms, sweep of ${SWEPT_EXPIRATIONS} ${row.sweepMs} ms, ` +
          `recount ${row.recountMs} ms; api RSS peak ${rssMb} MB; sessions table ${row.sessionsTableMb} MB`,
      );
      rows.push(row);
      if (size === options.impactAt) {
        impact = await recountImpactBenchmark({
          ...options.impact,
          databaseUrl,
          size,
          store,
          liveIds: live,
          logDir,
        });
      }
    }
  } finally {
    await dataSource?.destroy().catch(() => undefined);
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
  return { sweptExpirations: SWEPT_EXPIRATIONS, ...server, sizes: rows, impact };
}
