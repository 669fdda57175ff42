// Benchmark 3: the auth API under load (autocannon at a fixed concurrency), the bare scrypt
// hash rate, and a bare node:http + one primary-key query floor for GET /auth/me.
// Benchmark 4b: recounts (reads of the kept count) during a burst of logins.
import { spawn } from 'node:child_process';
import autocannon from 'autocannon';
import { freePort, metricsText, SESSION_SECRET } from './lib/app.mjs';
import { ScryptPasswordHasher } from '../dist/auth/password/scrypt-password-hasher.js';
import { insertUsers, signedCookie } from './lib/db.mjs';

// The app's own hasher (built by bench/run.sh): same parameters and hash format as a login.
const hasher = new ScryptPasswordHasher();
import { log, now, promSamples, round, waitFor } from './lib/util.mjs';

const PASSWORD = 'correct horse battery staple';
const JSON_HEADERS = { 'content-type': 'application/json' };

function cannon(options) {
  return new Promise((resolve, reject) => {
    const instance = autocannon({ timeout: 10, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on('error', () => undefined);
  });
}

function describe(result, expectedStatus) {
  const seconds = result.duration;
  const ok = result.statusCodeStats?.[expectedStatus]?.count ?? result['2xx'];
  return {
    requests: result.requests.total,
    ok,
    errors: result.errors + result.timeouts + (result.requests.total - ok),
    durationS: round(seconds, 2),
    rps: round(ok / seconds, 1),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: round(result.latency.mean, 2) },
  };
}

/** The app's password hash alone (one scrypt), 4 at a time (libuv's default thread pool). */
export async function hashRate(durationMs) {
  await hasher.hash('warm-up');
  let count = 0;
  const start = now();
  const worker = async () => {
    while (now() - start < durationMs) {
      await hasher.hash(PASSWORD);
      count += 1;
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const seconds = (now() - start) / 1000;
  return { hashes: count, durationS: round(seconds, 2), perSecond: round(count / seconds, 1) };
}

async function startFloorServer(databaseUrl, sid) {
  const port = await freePort();
  const child = spawn(process.execPath, ['bench/floor-server.mjs', String(port), databaseUrl, sid], { stdio: ['ignore', 'pipe', 'inherit'] });
  await waitFor('the floor server', async () => (await fetch(`http://127.0.0.1:${port}/`)).status === 200, { timeoutMs: 15_000, intervalMs: 100 });
  return {
    url: `http://127.0.0.1:${port}/`,
    stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 5000).unref(); }),
  };
}

async function login(url, username) {
  const response = await fetch(`${url}/auth/login`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ username, password: PASSWORD }) });
  if (response.status !== 200) throw new Error(`login ${username}: HTTP ${response.status} ${await response.text()}`);
  return response.headers.get('set-cookie').split(';')[0];
}

/**
 * Runs every auth measurement against the running api (DATABASE_URL = databaseUrl).
 * opts: { connections, durationS, warmupS, logoutSessions, hashSeconds }
 */
export async function authLoadBenchmark({ api, databaseUrl, connections, durationS, warmupS, logoutSessions, hashSeconds }) {
  const results = { connections, durationS };

  log('auth: bare scrypt hash rate (app parameters N=2^14, r=8, p=5; 4 in parallel)');
  results.hashRate = await hashRate(hashSeconds * 1000);
  log(`auth: scrypt ${results.hashRate.perSecond} hashes/s`);

  // Users for the login runs: one real hash shared by all (bulk inserted, no sessions).
  const hash = await hasher.hash(PASSWORD);
  const loginUsers = await insertUsers(databaseUrl, 3_000, { prefix: 'bench-login-', hash, withSessions: false });
  const meCookie = await login(api.url, loginUsers[0].username);

  // GET /auth/me and the floor, alternated so that both see the same machine.
  const [, sidCookie] = /^kiada\.sid=(.*)$/.exec(meCookie) ?? [];
  const sid = decodeURIComponent(sidCookie ?? '').replace(/^s:/, '').replace(/\.[^.]*$/, '');
  const floor = await startFloorServer(databaseUrl, sid);
  try {
    log(`auth: warm-up ${warmupS}s each of GET /auth/me and the floor`);
    await cannon({ url: `${api.url}/auth/me`, connections, duration: warmupS, headers: { cookie: meCookie } });
    await cannon({ url: floor.url, connections, duration: warmupS });
    log(`auth: GET /auth/me, ${connections} connections, ${durationS}s`);
    results.me = describe(await cannon({ url: `${api.url}/auth/me`, connections, duration: durationS, headers: { cookie: meCookie } }), 200);
    log(`auth: GET /auth/me ${results.me.rps} req/s, p50 ${results.me.latencyMs.p50} ms, p99 ${results.me.latencyMs.p99} ms`);
    log(`auth: floor (node:http + 1 primary-key query), ${connections} connections, ${durationS}s`);
    results.floor = describe(await cannon({ url: floor.url, connections, duration: durationS }), 200);
    log(`auth: floor ${results.floor.rps} req/s, p50 ${results.floor.latencyMs.p50} ms, p99 ${results.floor.latencyMs.p99} ms`);
    results.meToFloor = round(results.me.rps / results.floor.rps, 3);
    // Diagnostic: the app's own stack without session, database or request log.
    log(`auth: GET /healthz (Nest + Express + helmet, no session, no database), ${connections} connections, ${durationS}s`);
    results.healthz = describe(await cannon({ url: `${api.url}/healthz`, connections, duration: durationS }), 200);
    log(`auth: GET /healthz ${results.healthz.rps} req/s, p50 ${results.healthz.latencyMs.p50} ms, p99 ${results.healthz.latencyMs.p99} ms`);
  } finally {
    await floor.stop();
  }

  log(`auth: POST /auth/login, ${connections} connections, ${durationS}s`);
  let next = 1;
  results.login = describe(
    await cannon({
      url: api.url,
      connections,
      duration: durationS,
      requests: [{
        method: 'POST',
        path: '/auth/login',
        headers: JSON_HEADERS,
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ username: loginUsers[next++ % loginUsers.length].username, password: PASSWORD }) }),
      }],
    }),
    200,
  );
  results.loginToHashRate = round(results.login.rps / results.hashRate.perSecond, 3);
  log(`auth: login ${results.login.rps} req/s (${round(results.loginToHashRate * 100)}% of the hash rate), p50 ${results.login.latencyMs.p50} ms, p99 ${results.login.latencyMs.p99} ms`);

  log(`auth: POST /auth/signup, ${connections} connections, ${durationS}s`);
  const tag = Date.now().toString(36);
  let signups = 0;
  results.signup = describe(
    await cannon({
      url: api.url,
      connections,
      duration: durationS,
      requests: [{
        method: 'POST',
        path: '/auth/signup',
        headers: JSON_HEADERS,
        setupRequest: (req) => ({ ...req, body: JSON.stringify({ username: `su-${tag}-${signups++}`, password: PASSWORD }) }),
      }],
    }),
    201,
  );
  await new Promise((resolve) => setTimeout(resolve, 5000)); // let signups still in flight finish
  log(`auth: signup ${results.signup.rps} req/s, p50 ${results.signup.latencyMs.p50} ms, p99 ${results.signup.latencyMs.p99} ms`);

  log(`auth: POST /auth/logout of ${logoutSessions} live sessions, ${connections} connections`);
  const sessions = await insertUsers(databaseUrl, logoutSessions, { prefix: 'bench-logout-' });
  const cookies = sessions.map((s) => signedCookie(s.sid, SESSION_SECRET));
  let logout = 0;
  results.logout = describe(
    await cannon({
      url: api.url,
      connections,
      amount: cookies.length,
      duration: durationS * 3,
      requests: [{
        method: 'POST',
        path: '/auth/logout',
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, cookie: cookies[logout++ % cookies.length] } }),
      }],
    }),
    204,
  );
  log(`auth: logout ${results.logout.rps} req/s, p50 ${results.logout.latencyMs.p50} ms, p99 ${results.logout.latencyMs.p99} ms`);
  return results;
}

/** Recounts (reads of the kept count, plus any sweep/recount) during a burst of `logins` logins. */
export async function burstBenchmark({ api, databaseUrl, logins, connections, coalesceMs }) {
  const hash = await hasher.hash(PASSWORD);
  const users = await insertUsers(databaseUrl, logins, { prefix: 'bench-burst-', hash, withSessions: false });
  const family = 'kiada_active_users_recount_duration_seconds_count';
  const before = promSamples(await metricsText(api), family);
  log(`count: burst of ${logins} logins, ${connections} connections`);
  let next = 0;
  const start = now();
  const result = await cannon({
    url: api.url,
    connections,
    amount: logins,
    duration: 600,
    requests: [{
      method: 'POST',
      path: '/auth/login',
      headers: JSON_HEADERS,
      setupRequest: (req) => ({ ...req, body: JSON.stringify({ username: users[next++ % users.length].username, password: PASSWORD }) }),
    }],
  });
  const burstMs = now() - start;
  // Let the last coalesced read run.
  await new Promise((resolve) => setTimeout(resolve, Math.max(500, coalesceMs * 4)));
  const after = promSamples(await metricsText(api), family);
  const delta = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) delta[key] = (after[key] ?? 0) - (before[key] ?? 0);
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
  log(`count: ${out.ok} logins in ${out.burstS}s caused ${total} count operations (${JSON.stringify(delta)}); window bound ${out.boundByWindow}`);
  return out;
}
