// `npm run bench [-- --quick] [-- --only=reaction,auth,count,operator]`: the benchmark runner.
// bench/run.sh makes sure of MariaDB, a cluster and a fresh build first, then runs this.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { killAllApps, migrate, startApp } from './lib/app.mjs';
import { dropDatabase, freshDatabase, insertUsers, serverVersion as mariadbVersion, TTL_MS } from './lib/db.mjs';
import { applyCrd, deleteNamespace, serverVersion as kubeVersion } from './lib/kube.mjs';
import { log, round, table } from './lib/util.mjs';
import { prepareReactionNamespace, reactionBenchmark } from './reaction.mjs';
import { authLoadBenchmark, burstBenchmark } from './auth-load.mjs';
import { countCostBenchmark } from './count-cost.mjs';
import { operatorScaleBenchmark } from './operator-scale.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
const enabled = (name) => !only || only.has(name);

const PLAN = quick
  ? { crossings: 5, connections: 16, durationS: 5, warmupS: 2, hashSeconds: 5, logoutSessions: 1_000, burst: 200, sizes: [10_000, 100_000], scale: 100, idleS: 15 }
  : { crossings: 20, connections: 16, durationS: 10, warmupS: 3, hashSeconds: 10, logoutSessions: 3_000, burst: 1_000, sizes: [10_000, 100_000, 1_000_000], scale: 1_000, idleS: 60 };
const COALESCE_MS = 50; // SCALING_COALESCE_MS default

function machine() {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const model = /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  let os_ = `${os.type()} ${os.release()}`;
  try { os_ = /PRETTY_NAME="([^"]*)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] + ` (kernel ${os.release()})`; } catch { /* keep */ }
  return {
    cpuModel: model,
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    os: os_,
    node: process.version,
    loadAverageAtStart: os.loadavg().map((v) => round(v, 2)),
  };
}

function otherActivity() {
  // What else is running that competes for the two cores (for the note in the results).
  try {
    const out = execFileSync('ps', ['-eo', 'pcpu,comm', '--sort=-pcpu'], { encoding: 'utf8' });
    return out.split('\n').slice(1, 9).map((l) => l.trim()).filter(Boolean);
  } catch {
    return [];
  }
}

async function main() {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = 'bench/results';
  const logDir = join(resultsDir, `logs-${stamp}`);
  mkdirSync(logDir, { recursive: true });
  const results = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    plan: PLAN,
    machine: { ...machine(), mariadb: await mariadbVersion(), kubernetes: await kubeVersion(), topProcessesAtStart: otherActivity() },
    logs: logDir,
  };
  log(`machine: ${results.machine.cpuModel}, ${results.machine.cores} cores, ${results.machine.memoryGiB} GiB; Node ${results.machine.node}, MariaDB ${results.machine.mariadb}, Kubernetes ${results.machine.kubernetes}; mode ${results.mode}`);
  await applyCrd();

  if (enabled('reaction') || enabled('auth')) {
    const databaseUrl = await freshDatabase('bench');
    const namespace = `kiada-bench-reaction-${Date.now().toString(36)}`;
    let api;
    let operator;
    try {
      await migrate(databaseUrl);
      await insertUsers(databaseUrl, 999, { prefix: 'seeded-' });
      await prepareReactionNamespace(namespace);
      log(`app: starting operator and api (namespace ${namespace}, database ${new URL(databaseUrl).pathname.slice(1)})`);
      operator = await startApp('operator', {
        KUBECONFIG: process.env.KUBECONFIG,
        OPERATOR_NAMESPACE: namespace,
        OPERATOR_LEASE_NAMESPACE: namespace,
        OPERATOR_LEASE_NAME: 'kiada-bench-operator',
      }, { logDir });
      api = await startApp('api', {
        KUBECONFIG: process.env.KUBECONFIG,
        DATABASE_URL: databaseUrl,
        SESSION_TTL_SECONDS: String(TTL_MS / 1000),
        AUTH_THROTTLE_LIMIT: '0',
        SCALING_NAMESPACE: namespace,
        SCALING_RESOURCE_OWNER: 'hanyang-university-graduation-37-team',
        SCALING_STABILIZATION_SECONDS: '0',
      }, { logDir });
      const signup = await fetch(`${api.url}/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bench-boundary', password: 'correct horse battery staple' }),
      });
      if (signup.status !== 201) throw new Error(`signup of the boundary user: HTTP ${signup.status}`);

      if (enabled('reaction')) {
        log(`reaction: ${PLAN.crossings} crossings up and ${PLAN.crossings} down across 1,000 active users (2 <-> 3 replicas), window 0`);
        results.reaction = await reactionBenchmark({ api, namespace, resource: 'hanyang-kiada-autoscaler', crossings: PLAN.crossings });
      }
      if (enabled('auth')) {
        results.auth = await authLoadBenchmark({ api, databaseUrl, ...PLAN });
        results.burst = await burstBenchmark({ api, databaseUrl, logins: PLAN.burst, connections: PLAN.connections, coalesceMs: COALESCE_MS });
        results.auth.apiRssMb = round(api.hwmKb() / 1024);
      }
    } finally {
      await api?.stop();
      await operator?.stop();
      await deleteNamespace(namespace, { timeoutMs: 30_000 });
      await dropDatabase(databaseUrl).catch(() => undefined);
    }
  }

  if (enabled('count')) {
    results.countCost = await countCostBenchmark({ sizes: PLAN.sizes });
  }
  if (enabled('operator')) {
    results.operatorScale = await operatorScaleBenchmark({ count: PLAN.scale, idleS: PLAN.idleS, logDir });
  }

  results.machine.loadAverageAtEnd = os.loadavg().map((v) => round(v, 2));
  const file = join(resultsDir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${report(results)}\n\nresults: ${file}\napp logs: ${logDir}\n`);
}

function report(r) {
  const rows = [];
  const ok = (met) => (met === null || met === undefined ? '' : met ? 'yes' : 'NO');
  if (r.reaction) {
    const { all, up, down } = r.reaction;
    rows.push(['reaction: login -> CR spec (ms)', `p50 ${all.cr.p50} / p95 ${all.cr.p95} / p99 ${all.cr.p99}`, '', '']);
    rows.push(['reaction: login -> Deployment replicas (ms)', `p50 ${all.deployment.p50} / p95 ${all.deployment.p95} / p99 ${all.deployment.p99}`, 'p99 < 500', ok(all.deployment.p99 !== null && all.deployment.p99 < 500)]);
    rows.push(['reaction: login -> Pods Ready (ms)', `p50 ${all.podsReady.p50} / p95 ${all.podsReady.p95} / p99 ${all.podsReady.p99}`, '', '']);
    rows.push(['reaction: crossings up / down (missed)', `${up.crossings} / ${down.crossings} (${up.deployment.missed + down.deployment.missed})`, '>= 20 each', ok(r.mode === 'full' ? up.crossings >= 20 && down.crossings >= 20 : null)]);
    rows.push(['for comparison: HPA sync / KEDA polling', '15 s / 30 s (defaults)', '', '']);
  }
  if (r.auth) {
    const a = r.auth;
    rows.push(['GET /auth/me (req/s, p50/p99 ms)', `${a.me.rps} (${a.me.latencyMs.p50}/${a.me.latencyMs.p99})`, '>= 3000, p99 < 50', ok(a.me.rps >= 3000 && a.me.latencyMs.p99 < 50)]);
    rows.push(['floor: node:http + 1 PK query (req/s)', `${a.floor.rps} (${a.floor.latencyMs.p50}/${a.floor.latencyMs.p99})`, '', '']);
    rows.push(['GET /auth/me / floor', a.meToFloor, '>= 0.5', ok(a.meToFloor >= 0.5)]);
    rows.push(['(diagnostic) GET /healthz: app stack, no session/DB', `${a.healthz.rps} (${a.healthz.latencyMs.p50}/${a.healthz.latencyMs.p99})`, '', '']);
    rows.push(['bare scrypt hash rate (hashes/s)', a.hashRate.perSecond, '', '']);
    rows.push(['POST /auth/login (req/s, p50/p99 ms)', `${a.login.rps} (${a.login.latencyMs.p50}/${a.login.latencyMs.p99})`, '>= 80% of hash rate', ok(a.loginToHashRate >= 0.8)]);
    rows.push(['login / hash rate', a.loginToHashRate, '>= 0.8', ok(a.loginToHashRate >= 0.8)]);
    rows.push(['POST /auth/signup (req/s, p50/p99 ms)', `${a.signup.rps} (${a.signup.latencyMs.p50}/${a.signup.latencyMs.p99})`, '', '']);
    rows.push(['POST /auth/logout (req/s, p50/p99 ms)', `${a.logout.rps} (${a.logout.latencyMs.p50}/${a.logout.latencyMs.p99})`, '', '']);
    const errors = ['me', 'login', 'signup', 'logout'].map((k) => a[k].errors).reduce((x, y) => x + y, 0);
    rows.push(['auth: failed requests (all runs)', errors, '0', ok(errors === 0)]);
  }
  if (r.burst) {
    rows.push([`count operations during ${r.burst.logins} logins`, `${r.burst.countOperations} in ${r.burst.burstS}s`, `<= ${r.burst.boundByWindow} (window)`, ok(r.burst.countOperations <= r.burst.boundByWindow)]);
  }
  for (const c of r.countCost ?? []) {
    rows.push([`recount() at ${c.sessions.toLocaleString('en')} sessions (ms)`, `p50 ${c.recount.p50Ms} (max ${c.recount.maxMs}); read() ${c.read.p50Ms}`, c.sessions === 1_000_000 ? '< 100' : '', c.sessions === 1_000_000 ? ok(c.recount.p50Ms < 100) : '']);
  }
  if (r.operatorScale) {
    const o = r.operatorScale;
    rows.push([`operator: ${o.resources} resources reconciled (s)`, o.reconciledS ?? 'not within timeout', '< 30', ok(o.reconciledS !== null && o.reconciledS < 30)]);
    rows.push(['operator: RSS peak (MB)', o.rssMb.hwm, '< 200', ok(o.rssMb.hwm < 200)]);
    rows.push(['operator: API requests per reconcile', `${o.requestsPerReconcile} (${o.reconciles} reconciles, ${o.apiRequests.total} requests)`, '', '']);
    rows.push([`operator: writes in ${o.idle.seconds}s idle`, `${o.idle.writesExcludingLease} (+${o.idle.leaseWrites} Lease renewals)`, '0', ok(o.idle.writesExcludingLease === 0)]);
  }
  return table(['benchmark', 'result', 'target', 'met'], rows);
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    process.stderr.write(`[bench] ${signal}: stopping the app processes\n`);
    killAllApps();
    process.exit(130);
  });
}

main().catch((error) => {
  process.stderr.write(`[bench] FAILED: ${error.stack ?? error}\n`);
  process.exit(1);
});
