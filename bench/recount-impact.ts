// Benchmark 4b: does a recount stall count writes? On the count benchmark's database (1M live
// sessions; quick: 100k), api processes serve log-outs of live sessions and first log-ins
// (each a count write) for two equal phases: without a recount, then with the app's own
// ActiveUserCountRepository.recount() running back to back in this process. The figure is
// the p99.9 of each kind of write in the second phase over the first (goal: <= 1.5).
import {
  Argon2PasswordHasher,
  OWASP_ARGON2ID,
} from '../src/auth/password/argon2-password-hasher.js';
import type { ActiveUserCountRepository } from '../src/sessions/active-user-count.repository.js';
import type { AppProcess } from '../test/support/app-process.js';
import { DEFAULT_PASSWORD } from '../test/support/http-user.js';
import { insertUsers } from '../test/support/seed-users.js';
import {
  cookieOf,
  cookieRequest,
  LOGIN_USER_FIRST_ID,
  loginRequest,
  type LiveIds,
} from './lib/session-load.js';
import { startApiWithoutCluster } from './lib/bench-app.js';
import { latencySummary, runLoad } from './lib/http-load.js';
import { log, now } from './lib/progress.js';
import { round, summary } from './lib/statistics.js';

export interface RecountImpactOptions {
  databaseUrl: string;
  size: number;
  store: ActiveUserCountRepository;
  liveIds: LiveIds;
  apis: number;
  phaseS: number;
  /** Log-outs in flight per api process (log-ins: one at a time per process, argon2-bound). */
  logoutConnections: number;
  logDir: string;
}

/** Ids of the users who log in for the first time here, above the cost benchmark's. */
const FIRST_LOGIN_IDS = LOGIN_USER_FIRST_ID + 100_000;
/** Log-outs and log-ins an api process serves per second at most, for sizing the inputs. */
const MAX_RATE = { logout: 1_500, login: 150 };

export async function recountImpactBenchmark(options: RecountImpactOptions) {
  const { databaseUrl, size, store, liveIds, apis: apiCount, phaseS, logDir } = options;
  const phases = ['warm-up', 'without recount', 'with recounts'] as const;
  const phaseMs = (phase: (typeof phases)[number]) => (phase === 'warm-up' ? 3_000 : phaseS * 1000);
  const passwordHash = await new Argon2PasswordHasher(OWASP_ARGON2ID).hash(DEFAULT_PASSWORD);
  const newcomers = await insertUsers(
    databaseUrl,
    phases.length * apiCount * Math.ceil(MAX_RATE.login * phaseS),
    { prefix: 'impact-login-', passwordHash, firstId: FIRST_LOGIN_IDS },
  );
  const apis: AppProcess[] = [];
  try {
    log(`recount impact: ${apiCount} api processes on ${size.toLocaleString('en')} live sessions`);
    for (let i = 0; i < apiCount; i++) {
      apis.push(
        await startApiWithoutCluster(
          databaseUrl,
          { SCALING_RESYNC_SECONDS: '3600' },
          { logDir, name: `impact-api-${i}` },
        ),
      );
    }
    const results = [];
    for (const phase of phases) {
      const durationMs = phaseMs(phase);
      const recounts: number[] = [];
      let loading = true;
      const recounting =
        phase === 'with recounts'
          ? (async () => {
              while (loading) {
                const start = now();
                await store.recount(Date.now());
                recounts.push(now() - start);
              }
            })()
          : Promise.resolve();
      const runs = apis.flatMap((api) => {
        const cookies = liveIds
          .take(Math.ceil((MAX_RATE.logout * durationMs) / 1000))
          .map(cookieOf);
        const names = newcomers
          .splice(0, Math.ceil((MAX_RATE.login * durationMs) / 1000))
          .map((user) => user.username);
        const load = { url: api.url, durationMs };
        return [
          runLoad({
            ...load,
            connections: options.logoutConnections,
            maxRequests: cookies.length,
            request: cookieRequest('POST', '/auth/logout', cookies),
            expectedStatus: 204,
          }),
          runLoad({
            ...load,
            connections: 1,
            maxRequests: names.length,
            request: loginRequest(names),
            expectedStatus: 200,
          }),
        ];
      });
      const loads = await Promise.all(runs);
      loading = false;
      await recounting;
      if (phase === 'warm-up') continue;
      const logouts = loads.filter((_, i) => i % 2 === 0);
      const logins = loads.filter((_, i) => i % 2 === 1);
      const merged = (rs: typeof loads) => ({
        ...latencySummary(rs.flatMap((r) => r.latenciesMs)),
        failed: rs.reduce((sum, r) => sum + r.failed, 0),
      });
      const result = {
        phase,
        logout: merged(logouts),
        login: merged(logins),
        recounts: recounts.length,
        recountP50Ms: round(summary(recounts).p50, 2),
      };
      log(
        `recount impact, ${phase}: logout p99.9 ${result.logout.p999} ms (n ${result.logout.n}), ` +
          `first login p99.9 ${result.login.p999} ms (n ${result.login.n}); ` +
          `${result.recounts} recounts (p50 ${result.recountP50Ms} ms)`,
      );
      results.push(result);
    }
    const [without, withRecounts] = results;
    const ratio = (a: number | null, b: number | null) => (a && b ? round(b / a, 2) : null);
    return {
      sessions: size,
      apiProcesses: apiCount,
      phaseS,
      without,
      withRecounts,
      logoutP999Ratio: ratio(without.logout.p999, withRecounts.logout.p999),
      loginP999Ratio: ratio(without.login.p999, withRecounts.login.p999),
    };
  } finally {
    await Promise.all(apis.map((api) => api.stop().catch(() => undefined)));
  }
}
