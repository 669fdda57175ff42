// Benchmark 4b: does a recount stall count writes? On the count benchmark's database (1M live
// sessions; quick: 100k), api processes serve log-outs of live sessions and first log-ins
// (each a count write) in alternating phases, without a recount and with the app's own
// ActiveUserCountRepository.recount() running back to back in this process (rounds of both,
// so a change in what else the machine runs falls on both alike). The figure is the p99.9 of
// each kind of write with recounts over without (goal: <= 1.5).
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
  /** Seconds of each condition in all, split over `rounds` alternations. */
  phaseS: number;
  rounds: number;
  /** Log-outs in flight per api process (log-ins: one at a time per process, argon2-bound). */
  logoutConnections: number;
  logDir: string;
}

/** Ids of the users who log in for the first time here, above the cost benchmark's. */
const FIRST_LOGIN_IDS = LOGIN_USER_FIRST_ID + 100_000;
type Condition = 'without recount' | 'with recounts';
/** Log-outs and log-ins an api process serves per second at most, for sizing the inputs. */
const MAX_RATE = { logout: 1_500, login: 150 };

export async function recountImpactBenchmark(options: RecountImpactOptions) {
  const { databaseUrl, size, store, liveIds, apis: apiCount, phaseS, rounds, logDir } = options;
  const roundMs = (phaseS * 1000) / rounds;
  const phases: Array<{ name: 'warm-up' | Condition; ms: number }> = [
    { name: 'warm-up', ms: 3_000 },
    ...Array.from({ length: rounds }, () => [
      { name: 'without recount' as const, ms: roundMs },
      { name: 'with recounts' as const, ms: roundMs },
    ]).flat(),
  ];
  const passwordHash = await new Argon2PasswordHasher(OWASP_ARGON2ID).hash(DEFAULT_PASSWORD);
  const totalMs = phases.reduce((sum, phase) => sum + phase.ms, 0);
  const newcomers = await insertUsers(
    databaseUrl,
    apiCount * Math.ceil((MAX_RATE.login * totalMs) / 1000),
    { prefix: 'impact-login-', passwordHash, firstId: FIRST_LOGIN_IDS },
  );
  const apis: AppProcess[] = [];
  const samples: Record<Condition, { logout: number[]; login: number[]; failed: number }> = {
    'without recount': { logout: [], login: [], failed: 0 },
    'with recounts': { logout: [], login: [], failed: 0 },
  };
  const recounts: number[] = [];
  try {
    log(
      `recount impact: ${apiCount} api processes on ${size.toLocaleString('en')} live sessions, ` +
        `${rounds} rounds of ${roundMs / 1000} s without and with recounts`,
    );
    for (let i = 0; i < apiCount; i++) {
      apis.push(
        await startApiWithoutCluster(
          databaseUrl,
          { SCALING_RESYNC_SECONDS: '3600' },
          { logDir, name: `impact-api-${i}` },
        ),
      );
    }
    for (const phase of phases) {
      let loading = true;
      const recounting =
        phase.name === 'with recounts'
          ? (async () => {
              while (loading) {
                const start = now();
                await store.recount(Date.now());
                recounts.push(now() - start);
              }
            })()
          : Promise.resolve();
      const runs = apis.flatMap((api) => {
        const cookies = liveIds.take(Math.ceil((MAX_RATE.logout * phase.ms) / 1000)).map(cookieOf);
        const names = newcomers
          .splice(0, Math.ceil((MAX_RATE.login * phase.ms) / 1000))
          .map((user) => user.username);
        const load = { url: api.url, durationMs: phase.ms };
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
      if (phase.name === 'warm-up') continue;
      const into = samples[phase.name];
      loads.forEach((result, i) => {
        (i % 2 === 0 ? into.logout : into.login).push(...result.latenciesMs);
        into.failed += result.failed;
      });
    }
    const figures = (condition: Condition) => ({
      logout: latencySummary(samples[condition].logout),
      login: latencySummary(samples[condition].login),
      failed: samples[condition].failed,
    });
    const [without, withRecounts] = [figures('without recount'), figures('with recounts')];
    const ratio = (a: number | null, b: number | null) => (a && b ? round(b / a, 2) : null);
    const result = {
      sessions: size,
      apiProcesses: apiCount,
      phaseS,
      rounds,
      without,
      withRecounts: {
        ...withRecounts,
        recounts: recounts.length,
        recountP50Ms: round(summary(recounts).p50, 2),
      },
      logoutP999Ratio: ratio(without.logout.p999, withRecounts.logout.p999),
      loginP999Ratio: ratio(without.login.p999, withRecounts.login.p999),
    };
    log(
      `recount impact: logout p99.9 ${without.logout.p999} ms without, ${withRecounts.logout.p999} ms ` +
        `with recounts (x ${result.logoutP999Ratio}); first login p99.9 ${without.login.p999} / ` +
        `${withRecounts.login.p999} ms (x ${result.loginP999Ratio}); ${recounts.length} recounts ` +
        `(p50 ${result.withRecounts.recountP50Ms} ms)`,
    );
    return result;
  } finally {
    await Promise.all(apis.map((api) => api.stop().catch(() => undefined)));
  }
}
