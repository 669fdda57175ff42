// Benchmark 4c: the active-user counter row under several api processes. Every login of a
// user's first session and every logout of their last one adds to the one counter row
// (active_user_count) in its transaction, so that row's lock is what concurrent auth
// events share. This runs N api processes on one MariaDB server of the bench's own (so the
// server's lock counters are ours alone), logs users out and in through all of them at
// once, and reports the server's row-lock waits, which tables they were on (sampled from
// information_schema), and whether the kept count still equals a full recount.
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
import type { AppProcess } from '../test/support/app-process.js';
import { migrateDatabase } from '../test/support/app-process.js';
import { withConnection } from '../test/support/database.js';
import { DEFAULT_PASSWORD } from '../test/support/http-user.js';
import { startOwnMariadb, type OwnMariadb } from '../test/support/own-mariadb.js';
import { insertUsers } from '../test/support/seed-users.js';
import { signedSessionCookie } from '../test/support/session-cookie.js';
import { sleep } from '../test/support/wait.js';
import {
  Argon2PasswordHasher,
  OWASP_ARGON2ID,
} from '../src/auth/password/argon2-password-hasher.js';
import { BENCH_SESSION_SECRET, SESSION_TTL_MS, startApiWithoutCluster } from './lib/bench-app.js';
import { log, now } from './lib/progress.js';
import { round } from './lib/statistics.js';
import { loginRequests, logoutRequests } from './lib/auth-requests.js';

export interface CountContentionOptions {
  apis: number;
  /** Live sessions logged out (one per user: each logout is a count write). */
  sessions: number;
  /** Users logging in meanwhile (each first login is a count write). */
  logins: number;
  connectionsPerApi: number;
  durationS: number;
  logDir: string;
}

type Status = Record<string, number>;

async function rowLockStatus(url: string): Promise<Status> {
  return withConnection(url, async (connection) => {
    const [rows] = await connection.query("SHOW GLOBAL STATUS LIKE 'Innodb_row_lock%'");
    const out: Status = {};
    for (const row of rows as Array<{ Variable_name: string; Value: string }>) {
      out[row.Variable_name] = Number(row.Value);
    }
    return out;
  });
}

/** Samples which tables' locks transactions wait for, every `everyMs`, until stopped. */
function sampleLockWaits(url: string, everyMs: number) {
  const byTable: Record<string, number> = {};
  let samples = 0;
  let stopped = false;
  const done = withConnection(url, async (connection) => {
    while (!stopped) {
      const [rows] = await connection.query(
        'SELECT l.lock_table AS t FROM information_schema.INNODB_LOCK_WAITS w ' +
          'JOIN information_schema.INNODB_LOCKS l ON l.lock_id = w.requested_lock_id',
      );
      samples += 1;
      for (const { t } of rows as Array<{ t: string }>) byTable[t] = (byTable[t] ?? 0) + 1;
      await sleep(everyMs);
    }
  });
  return {
    stop: async () => {
      stopped = true;
      await done;
      return { samples, waitingTransactionsByTable: byTable };
    },
  };
}

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ timeout: 10, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
    instance.on('error', () => undefined);
  });
}

/** `items` cut into `n` slices of about equal size. */
function slices<T>(items: T[], n: number): T[][] {
  return Array.from({ length: n }, (_, i) => items.filter((_, j) => j % n === i));
}

export async function countContentionBenchmark({
  apis: apiCount,
  sessions,
  logins,
  connectionsPerApi,
  durationS,
  logDir,
}: CountContentionOptions) {
  let server: OwnMariadb | undefined;
  const apis: AppProcess[] = [];
  try {
    log(`contention: starting a MariaDB server of the bench's own`);
    server = await startOwnMariadb('bench-contention');
    const url = server.url;
    // information_schema's lock tables need PROCESS, which the test user lacks.
    execFileSync('mariadb', [
      '--protocol=socket',
      '-S',
      server.socket,
      '-uroot',
      '-e',
      "GRANT PROCESS ON *.* TO 'kiada'@'127.0.0.1'",
    ]);
    await migrateDatabase(url);
    const hasher = new Argon2PasswordHasher(OWASP_ARGON2ID);
    const passwordHash = await hasher.hash(DEFAULT_PASSWORD);
    const leaving = await insertUsers(url, sessions, {
      prefix: 'cc-out-',
      sessionTtlMs: SESSION_TTL_MS,
    });
    const arriving = await insertUsers(url, logins, { prefix: 'cc-in-', passwordHash });
    log(`contention: starting ${apiCount} api processes on it`);
    for (let i = 0; i < apiCount; i++) {
      apis.push(await startApiWithoutCluster(url, {}, { logDir, name: `contention-api-${i}` }));
    }
    const before = await rowLockStatus(url);
    const sampler = sampleLockWaits(url, 20);
    log(
      `contention: ${sessions} logouts and ${logins} logins through ${apiCount} api processes, ` +
        `${connectionsPerApi} connections each`,
    );
    const start = now();
    const runs = apis.flatMap((api, i) => {
      const cookies = slices(leaving, apiCount)[i].map((u) =>
        signedSessionCookie(u.sid!, BENCH_SESSION_SECRET),
      );
      const names = slices(arriving, apiCount)[i].map((u) => u.username);
      return [
        cannon({
          url: api.url,
          connections: connectionsPerApi,
          amount: cookies.length,
          duration: durationS,
          requests: logoutRequests(cookies),
        }),
        cannon({
          url: api.url,
          // One login at a time per process: argon2 is CPU-bound, the logouts are the load.
          connections: 1,
          amount: names.length,
          duration: durationS,
          requests: loginRequests(names),
        }),
      ];
    });
    const results = await Promise.all(runs);
    const seconds = (now() - start) / 1000;
    const sampled = await sampler.stop();
    const after = await rowLockStatus(url);
    const logouts = results.filter((_, i) => i % 2 === 0);
    const loginRuns = results.filter((_, i) => i % 2 === 1);
    const ok = (rs: autocannon.Result[], status: number) =>
      rs.reduce(
        (sum, r) =>
          sum +
          ((r.statusCodeStats as Record<string, { count?: number }>)[String(status)]?.count ?? 0),
        0,
      );
    const loggedOut = ok(logouts, 204);
    const loggedIn = ok(loginRuns, 200);
    const errors = results.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0);
    const waits = after.Innodb_row_lock_waits - before.Innodb_row_lock_waits;
    const waitMs = after.Innodb_row_lock_time - before.Innodb_row_lock_time;
    const countWrites = loggedOut + loggedIn;

    // Let the apis settle, then compare the kept count with a full recount.
    await sleep(1000);
    const drift = await withConnection(url, async (connection) => {
      const [[kept]] = (await connection.query(
        'SELECT SUM(count) AS count, MAX(CASE WHEN id = 1 THEN swept_until END) AS swept_until ' +
          'FROM active_user_count',
      )) as unknown as [Array<{ count: unknown; swept_until: unknown }>];
      const [[live]] = (await connection.query(
        'SELECT COUNT(DISTINCT user_id) AS n FROM sessions WHERE expires_at > ? AND user_id IS NOT NULL',
        [Number(kept.swept_until)],
      )) as unknown as [Array<{ n: unknown }>];
      return { kept: Number(kept.count), recounted: Number(live.n) };
    });
    const out = {
      apiProcesses: apiCount,
      seconds: round(seconds, 2),
      logouts: loggedOut,
      logins: loggedIn,
      errors,
      countWritesPerSecond: round(countWrites / seconds, 1),
      rowLockWaits: waits,
      rowLockWaitsPer1000Writes: round((waits / Math.max(1, countWrites)) * 1000, 1),
      rowLockTimeMs: waitMs,
      averageWaitMs: waits ? round(waitMs / waits, 2) : 0,
      maxWaitMs: after.Innodb_row_lock_time_max,
      /** Lock waits seen in `samples` samples, per table waited on. */
      sampledWaits: sampled,
      count: drift,
      logoutLatencyMs: {
        p50: Math.max(...logouts.map((r) => r.latency.p50)),
        p99: Math.max(...logouts.map((r) => r.latency.p99)),
      },
    };
    log(
      `contention: ${loggedOut} logouts + ${loggedIn} logins in ${out.seconds}s ` +
        `(${out.countWritesPerSecond} count writes/s): ${waits} row-lock waits, ` +
        `${waitMs} ms waited in all; sampled waits by table ${JSON.stringify(sampled.waitingTransactionsByTable)}; ` +
        `kept count ${drift.kept}, recount ${drift.recounted}`,
    );
    return out;
  } finally {
    await Promise.all(apis.map((api) => api.stop()));
    await server?.remove();
  }
}
