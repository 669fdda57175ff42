// The table `npm run bench` prints at the end: each figure beside its target.
import type { authLoadBenchmark, burstBenchmark } from './auth-load.js';
import type { countCostBenchmark } from './count-cost.js';
import type { machine } from './lib/machine.js';
import { table, type Cell } from './lib/text-table.js';
import type { operatorScaleBenchmark } from './operator-scale.js';
import type { reactionBenchmark } from './reaction.js';

type Result<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;

/** Everything a run writes to bench/results/<timestamp>.json. */
export interface BenchResults {
  date: string;
  mode: 'quick' | 'full';
  plan: Record<string, unknown>;
  machine: ReturnType<typeof machine> & {
    mariadb: string;
    kubernetes: string;
    topProcessesAtStart: string[];
    loadAverageAtEnd?: Array<number | null>;
  };
  logs: string;
  reaction?: Result<typeof reactionBenchmark>;
  auth?: Result<typeof authLoadBenchmark>;
  burst?: Result<typeof burstBenchmark>;
  countCost?: Result<typeof countCostBenchmark>;
  operatorScale?: Result<typeof operatorScaleBenchmark>;
}

/** `yes`/`NO` for a target, '' where none applies. */
const met = (ok: boolean | null | undefined) =>
  ok === null || ok === undefined ? '' : ok ? 'yes' : 'NO';

export function report(r: BenchResults): string {
  const rows: Cell[][] = [];
  if (r.reaction) {
    const { all, up, down } = r.reaction;
    const p = (s: { p50: number | null; p95: number | null; p99: number | null }) =>
      `p50 ${s.p50} / p95 ${s.p95} / p99 ${s.p99}`;
    const deploymentP99 = all.deployment.p99;
    rows.push(['reaction: login -> CR spec (ms)', p(all.cr), '', '']);
    rows.push([
      'reaction: login -> Deployment replicas (ms)',
      p(all.deployment),
      'p99 < 500',
      met(deploymentP99 !== null && deploymentP99 < 500),
    ]);
    rows.push(['reaction: login -> Pods Ready (ms)', p(all.podsReady), '', '']);
    rows.push([
      'reaction: crossings up / down (missed)',
      `${up.crossings} / ${down.crossings} (${up.deployment.missed + down.deployment.missed})`,
      '>= 20 each',
      met(r.mode === 'full' ? up.crossings >= 20 && down.crossings >= 20 : null),
    ]);
    rows.push(['for comparison: HPA sync / KEDA polling', '15 s / 30 s (defaults)', '', '']);
  }
  if (r.auth) {
    const a = r.auth;
    const figures = (f: { rps: number | null; latencyMs: { p50: number; p99: number } }) =>
      `${f.rps} (${f.latencyMs.p50}/${f.latencyMs.p99})`;
    const meToFloor = a.meToFloor ?? 0;
    const loginToHashRate = a.loginToHashRate ?? 0;
    rows.push([
      'GET /auth/me (req/s, p50/p99 ms)',
      figures(a.me),
      '>= 3000, p99 < 50',
      met((a.me.rps ?? 0) >= 3000 && a.me.latencyMs.p99 < 50),
    ]);
    rows.push(['floor: node:http + 1 PK query (req/s)', figures(a.floor), '', '']);
    rows.push(['GET /auth/me / floor', a.meToFloor, '>= 0.5', met(meToFloor >= 0.5)]);
    rows.push(['(diagnostic) GET /healthz: app stack, no session/DB', figures(a.healthz), '', '']);
    rows.push(['bare scrypt hash rate (hashes/s)', a.hashRate.perSecond, '', '']);
    rows.push([
      'POST /auth/login (req/s, p50/p99 ms)',
      figures(a.login),
      '>= 80% of hash rate',
      met(loginToHashRate >= 0.8),
    ]);
    rows.push(['login / hash rate', a.loginToHashRate, '>= 0.8', met(loginToHashRate >= 0.8)]);
    rows.push(['POST /auth/signup (req/s, p50/p99 ms)', figures(a.signup), '', '']);
    rows.push(['POST /auth/logout (req/s, p50/p99 ms)', figures(a.logout), '', '']);
    const errors = [a.me, a.login, a.signup, a.logout].reduce((sum, f) => sum + f.errors, 0);
    rows.push(['auth: failed requests (all runs)', errors, '0', met(errors === 0)]);
  }
  if (r.burst) {
    const b = r.burst;
    rows.push([
      `count operations during ${b.logins} logins`,
      `${b.countOperations} in ${b.burstS}s`,
      `<= ${b.boundByWindow} (window)`,
      met(b.countOperations <= b.boundByWindow),
    ]);
  }
  for (const c of r.countCost ?? []) {
    const atMillion = c.sessions === 1_000_000;
    rows.push([
      `recount() at ${c.sessions.toLocaleString('en')} sessions (ms)`,
      `p50 ${c.recount.p50Ms} (max ${c.recount.maxMs}); read() ${c.read.p50Ms}`,
      atMillion ? '< 100' : '',
      atMillion ? met((c.recount.p50Ms ?? Infinity) < 100) : '',
    ]);
  }
  if (r.operatorScale) {
    const o = r.operatorScale;
    rows.push([
      `operator: ${o.resources} resources reconciled (s)`,
      o.reconciledS ?? 'not within timeout',
      '< 30',
      met(o.reconciledS !== null && o.reconciledS < 30),
    ]);
    rows.push([
      'operator: RSS peak (MB)',
      o.rssMb.hwm,
      '< 200',
      met((o.rssMb.hwm ?? Infinity) < 200),
    ]);
    rows.push([
      'operator: API requests per reconcile',
      `${o.requestsPerReconcile} (${o.reconciles} reconciles, ${o.apiRequests.total} requests)`,
      '',
      '',
    ]);
    rows.push([
      `operator: writes in ${o.idle.seconds}s idle`,
      `${o.idle.writesExcludingLease} (+${o.idle.leaseWrites} Lease renewals)`,
      '0',
      met(o.idle.writesExcludingLease === 0),
    ]);
  }
  return table(['benchmark', 'result', 'target', 'met'], rows);
}
