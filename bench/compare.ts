// Two results files of `npm run bench` side by side, as a Markdown table (before, after):
// the figures docs/benchmarks.md compares. Figures missing from a run print as `-`.
//   node --import tsx bench/compare.ts bench/results/<before>.json bench/results/<after>.json
import { readFileSync } from 'node:fs';
import type { BenchResults } from './report.js';

type Row = [string, (r: BenchResults) => unknown];

const ms = (s?: { p50: number | null; p99: number | null }) =>
  s ? `p50 ${s.p50} / p99 ${s.p99}` : undefined;

const ROWS: Row[] = [
  ['reaction: response -> CR spec (ms)', (r) => ms(r.reaction?.all.cr)],
  ['reaction: response -> Deployment spec.replicas (ms)', (r) => ms(r.reaction?.all.deployment)],
  ['reaction: response -> Pods Ready (ms)', (r) => ms(r.reaction?.all.podsReady)],
  ['GET /auth/me (req/s)', (r) => r.auth?.me.rps],
  [
    'GET /auth/me p50 / p99 (ms)',
    (r) => r.auth && `${r.auth.me.latencyMs.p50} / ${r.auth.me.latencyMs.p99}`,
  ],
  ['GET /auth/me CPU per request (µs)', (r) => r.auth?.me.cpuUsPerRequest],
  ['floor (req/s)', (r) => r.auth?.floor.rps],
  ['floor CPU per request (µs)', (r) => r.auth?.floor.cpuUsPerRequest],
  ['GET /auth/me / floor', (r) => r.auth?.meToFloor],
  ['GET /healthz (req/s)', (r) => r.auth?.healthz.rps],
  ['GET /healthz CPU per request (µs)', (r) => r.auth?.healthz.cpuUsPerRequest],
  ['GET /healthz / floor', (r) => r.auth?.healthzToFloor],
  ['argon2id verify rate (/s)', (r) => r.auth?.hashRate.perSecond],
  ['POST /auth/login (req/s)', (r) => r.auth?.login.rps],
  [
    'POST /auth/login p50 / p99 (ms)',
    (r) => r.auth && `${r.auth.login.latencyMs.p50} / ${r.auth.login.latencyMs.p99}`,
  ],
  ['POST /auth/signup (req/s)', (r) => r.auth?.signup.rps],
  ['POST /auth/logout (req/s)', (r) => r.auth?.logout.rps],
  [
    'count operations during the login burst',
    (r) => r.burst && `${r.burst.countOperations} (bound ${r.burst.boundByWindow})`,
  ],
  ...[10_000, 100_000, 1_000_000, 10_000_000].map((n): Row => [
    `logout p99 / recount() at ${n.toLocaleString('en')} sessions (ms)`,
    (r) => {
      const c = r.countCost?.sizes.find((x) => x.sessions === n);
      return c && `${c.logout.p99} / ${c.recountMs}`;
    },
  ]),
  [
    'logout / first login p99.9 with recounts / without',
    (r) =>
      r.countCost?.impact &&
      `${r.countCost.impact.logoutP999Ratio} / ${r.countCost.impact.loginP999Ratio}`,
  ],
  ['recounts per recount period, 4 api processes', (r) => r.maintenance?.recountsPerRecountPeriod],
  ['4 api processes: count writes/s', (r) => r.contention?.countWritesPerSecond],
  [
    '4 api processes: row-lock waits (per 1,000 writes)',
    (r) =>
      r.contention && `${r.contention.rowLockWaits} (${r.contention.rowLockWaitsPer1000Writes})`,
  ],
  [
    '4 api processes: average / max lock wait (ms)',
    (r) => r.contention && `${r.contention.averageWaitMs} / ${r.contention.maxWaitMs}`,
  ],
  [
    '4 api processes: logout p50 / p99 (ms)',
    (r) =>
      r.contention && `${r.contention.logoutLatencyMs.p50} / ${r.contention.logoutLatencyMs.p99}`,
  ],
  [
    'operator: reconciled from cold (s)',
    (r) =>
      r.operatorScale && `${r.operatorScale.reconciledS} (${r.operatorScale.resources} resources)`,
  ],
  ['operator: RSS peak (MB)', (r) => r.operatorScale?.rssMb.hwm],
  ['operator: API requests per reconcile', (r) => r.operatorScale?.requestsPerReconcile],
  [
    'operator: writes while idle (+ Lease)',
    (r) =>
      r.operatorScale &&
      `${r.operatorScale.idle.writesExcludingLease} (+${r.operatorScale.idle.leaseWrites})`,
  ],
];

const [beforeFile, afterFile] = process.argv.slice(2);
if (!beforeFile || !afterFile) {
  process.stderr.write('usage: node --import tsx bench/compare.ts <before.json> <after.json>\n');
  process.exit(2);
}
const before = JSON.parse(readFileSync(beforeFile, 'utf8')) as BenchResults;
const after = JSON.parse(readFileSync(afterFile, 'utf8')) as BenchResults;
const cell = (v: unknown) => (v === undefined || v === null ? '-' : String(v));
const load = (r: BenchResults) =>
  `${r.machine.loadAverageAtStart.join(' ')} -> ${r.machine.loadAverageAtEnd?.join(' ') ?? '?'}`;
const lines = [
  `| figure | before (${before.date}, ${before.mode}) | after (${after.date}, ${after.mode}) |`,
  '| --- | --- | --- |',
  `| load average at start -> end | ${load(before)} | ${load(after)} |`,
  ...ROWS.map(([name, get]) => `| ${name} | ${cell(get(before))} | ${cell(get(after))} |`),
];
process.stdout.write(`${lines.join('\n')}\n`);
