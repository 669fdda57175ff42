// A CPU profile of the api under load, and its summary (docs/benchmarks.md, "CPU profiles").
// Starts the built api with `--cpu-prof` on a scratch database, then
// loads one endpoint with autocannon at 16 connections: `me` (GET /auth/me with one logged-in
// user) or `login` (POST /auth/login, 3,000 users with the app's argon2id hash, round-robin).
// Stops the api (Node writes the .cpuprofile at exit) and writes where the time went during
// the load: by package and by function (self time), and CPU per request from /proc. Open the
// .cpuprofile in Chrome DevTools (Performance) or speedscope for a flame graph.
//   npm run build && node --import tsx bench/profile-api.ts [me|login] [outDir] [seconds]
// MariaDB: TEST_DATABASE_URL, else the local test server (test/support/mariadb.sh). With
// KUBECONFIG set the api also writes its KiadaServiceCount there, as in `npm run bench`.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';
import { loginRequests } from './lib/auth-requests.js';
import { migrateDatabase } from '../test/support/app-process.js';
import { dropDatabase, freshDatabase } from '../test/support/database.js';
import { DEFAULT_PASSWORD, HttpUser } from '../test/support/http-user.js';
import { insertUsers } from '../test/support/seed-users.js';
import {
  Argon2PasswordHasher,
  OWASP_ARGON2ID,
} from '../src/auth/password/argon2-password-hasher.js';
import { startBenchApp } from './lib/bench-app.js';
import { cpuSeconds } from './lib/cpu-time.js';
import { log } from './lib/progress.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  /** µs on the monotonic clock (process.hrtime's). */
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/<package>`, `app (src/...)`, `node:<module>` or the V8 category. */
function owner(url: string, name: string): string {
  if (!url) return `(${name || 'anonymous'})`;
  const nodeModules = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (nodeModules) return nodeModules[1];
  if (url.startsWith('node:')) return url;
  const app = /\/dist\/(.*)$/.exec(url);
  return app ? `app ${app[1].replace(/\/[^/]+$/, '')}` : url;
}

/** µs on the monotonic clock, as the profile's timestamps. */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/**
 * Self time per package and per function, as the share of the samples taken between
 * `fromUs` and `toUs` (the load, without start-up and shutdown).
 */
export function summarize(
  profile: CpuProfile,
  fromUs: number,
  toUs: number,
  requests: number,
  top = 40,
): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  let count = 0;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (at < fromUs || at > toUs) return;
    count += 1;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const idle = [...self.entries()]
    .filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)')
    .reduce((a, [, us]) => a + us, 0);
  const busy = total - idle;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id)!;
    const who = owner(callFrame.url, callFrame.functionName);
    byOwner.set(who, (byOwner.get(who) ?? 0) + us);
    const fn = `${callFrame.functionName || '(anonymous)'}  ${who}:${callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
  }
  const lines = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`);
  return [
    `samples during the load: ${count}, ${(total / 1e6).toFixed(1)} s (idle included); ` +
      `CPU per request (not idle): ${(busy / requests).toFixed(0)} µs`,
    '',
    'self time by package (node_modules), app directory or V8 category:',
    ...lines(byOwner),
    '',
    `self time by function (top ${top}):`,
    ...lines(byFunction),
  ].join('\n');
}

const LOG_DIR = 'bench/results';

async function main() {
  const endpoint = process.argv[2] ?? 'me';
  if (endpoint !== 'me' && endpoint !== 'login')
    throw new Error(`unknown endpoint ${endpoint}: me or login`);
  const outDir = resolve(process.argv[3] ?? 'bench/results/profile');
  const seconds = Number(process.argv[4] ?? 10);
  const profileDir = join(outDir, 'raw');
  rmSync(profileDir, { recursive: true, force: true });
  mkdirSync(profileDir, { recursive: true });
  mkdirSync(LOG_DIR, { recursive: true });
  const databaseUrl = await freshDatabase('bench_profile');
  try {
    await migrateDatabase(databaseUrl);
    const hasher = new Argon2PasswordHasher(OWASP_ARGON2ID);
    const users = await insertUsers(databaseUrl, endpoint === 'me' ? 1 : 3_000, {
      prefix: 'profile-',
      passwordHash: await hasher.hash(DEFAULT_PASSWORD),
    });
    const api = await startBenchApp(
      'api',
      {
        HOME: outDir, // no ~/.kube: the api does not try to reach a cluster
        DATABASE_URL: databaseUrl,
        AUTH_THROTTLE_LIMIT: '0',
        ...(process.env.KUBECONFIG ? { KUBECONFIG: process.env.KUBECONFIG } : {}),
      },
      {
        // The api's log (one line per request) stays out of outDir, which may be docs/.
        logDir: LOG_DIR,
        name: `profile-api-${endpoint}`,
        nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
      },
    );
    const me = new HttpUser(api.url, users[0].username);
    await me.logIn();
    const load: autocannon.Options =
      endpoint === 'me'
        ? { url: `${api.url}/auth/me`, headers: { cookie: me.sessionCookie } }
        : {
            url: api.url,
            requests: loginRequests(users.map((user) => user.username)),
          };
    const what = endpoint === 'me' ? 'GET /auth/me' : 'POST /auth/login';
    log(`profile: ${what}, 16 connections, ${seconds}s, api under --cpu-prof`);
    const fromUs = monotonicUs();
    const cpuBefore = cpuSeconds(api.process.pid) ?? 0;
    const result = await new Promise<autocannon.Result>((done, fail) =>
      autocannon({ ...load, connections: 16, duration: seconds }, (error, r) =>
        error ? fail(error) : done(r),
      ),
    );
    const toUs = monotonicUs();
    const cpuUsed = (cpuSeconds(api.process.pid) ?? 0) - cpuBefore;
    await api.stop();
    const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error(`no .cpuprofile in ${profileDir}: did the api exit cleanly?`);
    const target = join(outDir, `${endpoint}.cpuprofile`);
    renameSync(join(profileDir, file), target);
    rmSync(profileDir, { recursive: true, force: true });
    const summary = [
      `${what} under autocannon (16 connections, ${seconds} s): ${Math.round(
        result.requests.average,
      )} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, ` +
        `${Math.round((cpuUsed * 1e6) / result.requests.total)} µs CPU/request (/proc; profiler on)`,
      summarize(
        JSON.parse(readFileSync(target, 'utf8')) as CpuProfile,
        fromUs,
        toUs,
        result.requests.total,
      ),
    ].join('\n');
    writeFileSync(join(outDir, `${endpoint}-profile.txt`), `${summary}\n`);
    process.stdout.write(`${summary}\n\nprofile: ${target}\n`);
  } finally {
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`[profile] FAILED: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
