// Benchmark 3: the auth API under load (autocannon at a fixed concurrency), the bare argon2id
// hash rate, and a bare node:http + one primary-key query floor for GET /auth/me.
// Benchmark 4b: recounts (reads of the kept count) during a burst of logins.
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import {
  Argon2PasswordHasher,
  OWASP_ARGON2ID,
} from '../src/auth/password/argon2-password-hasher.js';
import { freePort } from '../test/support/app-process.js';
import { DEFAULT_PASSWORD, HttpUser } from '../test/support/http-user.js';
import { insertUsers } from '../test/support/seed-users.js';
import { sessionIdOf, signedSessionCookie } from '../test/support/session-cookie.js';
import { sleep, waitFor } from '../test/support/wait.js';
import { BENCH_SESSION_SECRET, SESSION_TTL_MS } from './lib/bench-app.js';
import { withCpu } from './lib/cpu-time.js';
import { log, now } from './lib/progress.js';
import { metricsText, promSamples } from './lib/prometheus.js';
import { round } from './lib/statistics.js';
import { loginRequests, logoutRequests } from './lib/auth-requests.js';

// The app's own hasher with its default (OWASP) parameters: the hash a user signing up gets,
// so a login verifies it and never re-hashes (seeded users hold exactly that hash).
const hasher = new Argon2PasswordHasher(OWASP_ARGON2ID);
/** Threads verifying at once: libuv's default pool, where @node-rs/argon2 runs its work. */
const HASH_PARALLELISM = 4;
const PASSWORD = DEFAULT_PASSWORD;
const JSON_HEADERS = { 'content-type': 'application/json' };

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ timeout: 10, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
    instance.on('error', () => undefined);
  });
}

/** `123.4 req/s, p50 8 ms, p99 19 ms` */
const throughput = (f: LoadFigures) =>
  `${f.rps} req/s, p50 ${f.latencyMs.p50} ms, p99 ${f.latencyMs.p99} ms`;

export interface LoadFigures {
  requests: number;
  ok: number;
  errors: number;
  durationS: number | null;
  rps: number | null;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number | null };
}

function describe(result: autocannon.Result, expectedStatus: number): LoadFigures {
  const seconds = result.duration;
  const byStatus = result.statusCodeStats as Record<string, { count?: number }> | undefined;
  const ok = byStatus?.[String(expectedStatus)]?.count ?? result['2xx'];
  return {
    requests: result.requests.total,
    ok,
    errors: result.errors + result.timeouts + (result.requests.total - ok),
    durationS: round(seconds, 2),
    rps: round(ok / seconds, 1),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: round(result.latency.mean, 2),
    },
  };
}

/**
 * What a login's password check costs alone: argon2id verifications of the app's hash (one
 * per login), HASH_PARALLELISM at a time, in this process while the app is idle.
 */
export async function hashRate(durationMs: number) {
  const stored = await hasher.hash(PASSWORD);
  if (!(await hasher.verify(PASSWORD, stored))) throw new Error('argon2id: verify failed');
  let count = 0;
  const start = now();
  const worker = async () => {
    while (now() - start < durationMs) {
      await hasher.verify(PASSWORD, stored);
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: HASH_PARALLELISM }, worker));
  const seconds = (now() - start) / 1000;
  return { hashes: count, durationS: round(seconds, 2), perSecond: round(count / seconds, 1) };
}

/** bench/floor-server.ts in its own process (through tsx, like the bench). */
async function startFloorServer(databaseUrl: string, sid: string) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/floor-server.ts', String(port), databaseUrl, sid],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await waitFor(
    'the floor server',
    async () => (await fetch(`http://127.0.0.1:${port}/`)).status === 200,
    { timeoutMs: 15_000, intervalMs: 100 },
  );
  return {
    url: `http://127.0.0.1:${port}/`,
    pid: child.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

export interface AuthLoadOptions {
  api: { url: string; process: { pid?: number } };
  databaseUrl: string;
  connections: number;
  durationS: number;
  warmupS: number;
  logoutSessions: number;
  hashSeconds: number;
}

/** Runs every auth measurement against the running api (DATABASE_URL = databaseUrl). */
export async function authLoadBenchmark({
  api,
  databaseUrl,
  connections,
  durationS,
  warmupS,
  logoutSessions,
  hashSeconds,
}: AuthLoadOptions) {
  const { memoryKib, iterations, parallelism } = OWASP_ARGON2ID;
  log(
    `auth: bare argon2id rate (m=${memoryKib} KiB, t=${iterations}, p=${parallelism}; ` +
      `${HASH_PARALLELISM} in parallel)`,
  );
  const rate = await hashRate(hashSeconds * 1000);
  log(`auth: argon2id ${rate.perSecond} hashes/s`);

  // Users for the login runs: one real hash shared by all (bulk inserted, no sessions).
  const passwordHash = await hasher.hash(PASSWORD);
  const loginUsers = await insertUsers(databaseUrl, 3_000, {
    prefix: 'bench-login-',
    passwordHash,
  });
  const meUser = new HttpUser(api.url, loginUsers[0].username, PASSWORD);
  await meUser.logIn();
  const meCookie = meUser.sessionCookie;

  // GET /auth/me and the floor, alternated so that both see the same machine.
  const floor = await startFloorServer(databaseUrl, sessionIdOf(meCookie));
  type WithCpu = LoadFigures & { cpuUsPerRequest: number | null };
  let me: WithCpu;
  let floorFigures: WithCpu;
  let healthz: WithCpu;
  try {
    log(`auth: warm-up ${warmupS}s each of GET /auth/me and the floor`);
    await cannon({
      url: `${api.url}/auth/me`,
      connections,
      duration: warmupS,
      headers: { cookie: meCookie },
    });
    await cannon({ url: floor.url, connections, duration: warmupS });
    log(`auth: GET /auth/me, ${connections} connections, ${durationS}s`);
    me = await withCpu(api.process.pid, async () =>
      describe(
        await cannon({
          url: `${api.url}/auth/me`,
          connections,
          duration: durationS,
          headers: { cookie: meCookie },
        }),
        200,
      ),
    );
    log(`auth: GET /auth/me ${throughput(me)}`);
    log(`auth: floor (node:http + 1 primary-key query), ${connections} connections, ${durationS}s`);
    floorFigures = await withCpu(floor.pid, async () =>
      describe(await cannon({ url: floor.url, connections, duration: durationS }), 200),
    );
    log(`auth: floor ${throughput(floorFigures)}`);
    // Diagnostic: the app's own stack without session, database or request log.
    log(
      'auth: GET /healthz (Nest + Fastify + helmet, no session, no database), ' +
        `${connections} connections, ${durationS}s`,
    );
    healthz = await withCpu(api.process.pid, async () =>
      describe(await cannon({ url: `${api.url}/healthz`, connections, duration: durationS }), 200),
    );
    log(`auth: GET /healthz ${throughput(healthz)}`);
  } finally {
    await floor.stop();
  }

  log(`auth: POST /auth/login, ${connections} connections, ${durationS}s`);
  const login = describe(
    await cannon({
      url: api.url,
      connections,
      duration: durationS,
      // From the second user on (the first one's session serves GET /auth/me), as before.
      requests: loginRequests([...loginUsers.slice(1), loginUsers[0]].map((u) => u.username)),
    }),
    200,
  );
  const loginToHashRate = round((login.rps ?? 0) / (rate.perSecond ?? 1), 3);
  log(
    `auth: login ${login.rps} req/s (${round((loginToHashRate ?? 0) * 100)}% of the hash rate), ` +
      `p50 ${login.latencyMs.p50} ms, p99 ${login.latencyMs.p99} ms`,
  );

  log(`auth: POST /auth/signup, ${connections} connections, ${durationS}s`);
  const tag = Date.now().toString(36);
  let signups = 0;
  const signup = describe(
    await cannon({
      url: api.url,
      connections,
      duration: durationS,
      requests: [
        {
          method: 'POST',
          path: '/auth/signup',
          headers: JSON_HEADERS,
          setupRequest: (req) => ({
            ...req,
            body: JSON.stringify({ username: `su-${tag}-${signups++}`, password: PASSWORD }),
          }),
        },
      ],
    }),
    201,
  );
  await sleep(5000); // let signups still in flight finish
  log(`auth: signup ${throughput(signup)}`);

  log(`auth: POST /auth/logout of ${logoutSessions} live sessions, ${connections} connections`);
  const sessions = await insertUsers(databaseUrl, logoutSessions, {
    prefix: 'bench-logout-',
    sessionTtlMs: SESSION_TTL_MS,
  });
  const cookies = sessions.map((s) => signedSessionCookie(s.sid!, BENCH_SESSION_SECRET));
  const logout = describe(
    await cannon({
      url: api.url,
      connections,
      amount: cookies.length,
      duration: durationS * 3,
      requests: logoutRequests(cookies),
    }),
    204,
  );
  log(`auth: logout ${throughput(logout)}`);
  return {
    connections,
    durationS,
    hashRate: { algorithm: 'argon2id', ...OWASP_ARGON2ID, parallel: HASH_PARALLELISM, ...rate },
    me,
    floor: floorFigures,
    meToFloor: round((me.rps ?? 0) / (floorFigures.rps ?? 1), 3),
    healthz,
    healthzToFloor: round((healthz.rps ?? 0) / (floorFigures.rps ?? 1), 3),
    login,
    loginToHashRate,
    signup,
    logout,
    apiRssMb: null as number | null,
  };
}

export interface BurstOptions {
  api: { url: string };
  databaseUrl: string;
  logins: number;
  connections: number;
  coalesceMs: number;
}

/** Recounts (reads of the kept count, plus any sweep/recount) during a burst of `logins` logins. */
export async function burstBenchmark({
  api,
  databaseUrl,
  logins,
  connections,
  coalesceMs,
}: BurstOptions) {
  const passwordHash = await hasher.hash(PASSWORD);
  const users = await insertUsers(databaseUrl, logins, { prefix: 'bench-burst-', passwordHash });
  const family = 'kiada_active_users_recount_duration_seconds_count';
  const before = promSamples(await metricsText(api), family);
  log(`count: burst of ${logins} logins, ${connections} connections`);
  const start = now();
  const result = await cannon({
    url: api.url,
    connections,
    amount: logins,
    duration: 600,
    requests: loginRequests(users.map((u) => u.username)),
  });
  const burstMs = now() - start;
  // Let the last coalesced read run.
  await sleep(Math.max(500, coalesceMs * 4));
  const after = promSamples(await metricsText(api), family);
  const delta: Record<string, number> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    delta[key] = (after[key] ?? 0) - (before[key] ?? 0);
  }
  const reads = delta['kind="read"'] ?? 0;
  const total = Object.values(delta).reduce((a, b) => a + b, 0);
  const out = {
    logins,
    ok: result['2xx'],
    burstS: round(burstMs / 1000, 2),
    countOperations: total,
    byKind: delta,
    reads,
    coalesceMs,
    boundByWindow: Math.ceil(burstMs / coalesceMs) + 1,
  };
  log(
    `count: ${out.ok} logins in ${out.burstS}s caused ${total} count operations ` +
      `(${JSON.stringify(delta)}); window bound ${out.boundByWindow}`,
  );
  return out;
}
