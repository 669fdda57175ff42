// `npm run bench [-- --quick] [-- --only=reaction,auth,count,maintenance,contention,operator,ramp]`:
// the benchmark runner.
// bench/run.sh makes sure of MariaDB, a cluster and a fresh build first, then runs this
// (TypeScript, through tsx). The app runs as separate processes from dist/; the helpers the
// benchmarks share with the e2e suites live in test/support/.
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { killAllApps, migrateDatabase, type AppProcess } from '../test/support/app-process.js';
import { applyCrd } from '../test/support/custom-resource.js';
import { databaseServerVersion, dropDatabase, freshDatabase } from '../test/support/database.js';
import { HttpUser } from '../test/support/http-user.js';
import { kubernetesVersion } from '../test/support/kubernetes.js';
import { deleteNamespace } from '../test/support/namespaces.js';
import { insertUsers } from '../test/support/seed-users.js';
import { authLoadBenchmark, burstBenchmark } from './auth-load.js';
import { countContentionBenchmark } from './count-contention.js';
import { countCostBenchmark } from './count-cost.js';
import { countMaintenanceBenchmark } from './count-maintenance.js';
import { SESSION_TTL_MS, startBenchApp } from './lib/bench-app.js';
import { machine, topProcesses } from './lib/machine.js';
import { log } from './lib/progress.js';
import { round } from './lib/statistics.js';
import { operatorScaleBenchmark } from './operator-scale.js';
import { applyPolicy, REACTION_POLICY } from './lib/bench-policy.js';
import { rampBenchmark } from './ramp.js';
import { prepareReactionNamespace, reactionBenchmark } from './reaction.js';
import { report, type BenchResults } from './report.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.find((a) => a.startsWith('--only='));
const only = onlyArg ? new Set(onlyArg.slice('--only='.length).split(',')) : null;
const enabled = (name: string) => !only || only.has(name);
/** The benchmarks that need a Kubernetes API server (bench/run.sh starts one only for them). */
const needsCluster = ['reaction', 'auth', 'operator'].some(enabled);

const PLAN = quick
  ? {
      crossings: 5,
      connections: 16,
      durationS: 5,
      warmupS: 2,
      hashSeconds: 5,
      logoutSessions: 1_000,
      burst: 200,
      count: {
        sizes: [10_000, 100_000],
        loadS: 3,
        impactAt: 100_000,
        impact: { apis: 2, phaseS: 6, rounds: 2, logoutConnections: 8 },
      },
      maintenance: { apis: 4, recountPeriods: 1, sessions: 10_000 },
      contention: { apis: 4, sessions: 3_000, logins: 400, connectionsPerApi: 8, durationS: 8 },
      scale: 100,
      idleS: 15,
      ramp: {
        startUsers: 900,
        loginsPerSecond: 5,
        podStartSeconds: 5,
        forecast: { lookaheadSeconds: 30, windowSeconds: 10 },
      },
    }
  : {
      crossings: 20,
      connections: 16,
      durationS: 10,
      warmupS: 3,
      hashSeconds: 10,
      logoutSessions: 3_000,
      burst: 1_000,
      // 10,000,000 live sessions take several minutes to seed (progress on stderr).
      count: {
        sizes: [10_000, 100_000, 1_000_000, 10_000_000],
        loadS: 5,
        impactAt: 1_000_000,
        impact: { apis: 2, phaseS: 20, rounds: 4, logoutConnections: 8 },
      },
      maintenance: { apis: 4, recountPeriods: 3, sessions: 10_000 },
      contention: { apis: 4, sessions: 10_000, logins: 1_000, connectionsPerApi: 8, durationS: 15 },
      scale: 1_000,
      idleS: 60,
      ramp: {
        startUsers: 880,
        loginsPerSecond: 5,
        podStartSeconds: 10,
        forecast: { lookaheadSeconds: 30, windowSeconds: 10 },
      },
    };
const COALESCE_MS = 50; // SCALING_COALESCE_MS default
// The app processes use the admin kubeconfig (bench/run.sh exports KUBECONFIG).
const KUBECONFIG_ENV: Record<string, string> = process.env.KUBECONFIG
  ? { KUBECONFIG: process.env.KUBECONFIG }
  : {};

async function main(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = 'bench/results';
  const logDir = join(resultsDir, `logs-${stamp}`);
  mkdirSync(logDir, { recursive: true });
  const results: BenchResults = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    plan: PLAN,
    machine: {
      ...machine(),
      mariadb: await databaseServerVersion(),
      kubernetes: needsCluster ? await kubernetesVersion() : 'not used',
      topProcessesAtStart: topProcesses(),
    },
    logs: logDir,
  };
  const m = results.machine;
  log(
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB; Node ${m.node}, ` +
      `MariaDB ${m.mariadb}, Kubernetes ${m.kubernetes}; mode ${results.mode}`,
  );
  if (needsCluster) await applyCrd();

  if (enabled('reaction') || enabled('auth')) {
    const databaseUrl = await freshDatabase('bench');
    let namespace: string | undefined;
    let api: AppProcess | undefined;
    let operator: AppProcess | undefined;
    try {
      await migrateDatabase(databaseUrl);
      await insertUsers(databaseUrl, 999, { prefix: 'seeded-', sessionTtlMs: SESSION_TTL_MS });
      namespace = await prepareReactionNamespace();
      log(
        `app: starting operator and api (namespace ${namespace}, ` +
          `database ${new URL(databaseUrl).pathname.slice(1)})`,
      );
      operator = await startBenchApp(
        'operator',
        {
          ...KUBECONFIG_ENV,
          OPERATOR_NAMESPACE: namespace,
          OPERATOR_LEASE_NAMESPACE: namespace,
          OPERATOR_LEASE_NAME: 'kiada-bench-operator',
        },
        { logDir },
      );
      api = await startBenchApp(
        'api',
        {
          ...KUBECONFIG_ENV,
          DATABASE_URL: databaseUrl,
          SESSION_TTL_SECONDS: String(SESSION_TTL_MS / 1000),
          AUTH_THROTTLE_LIMIT: '0',
          SCALING_NAMESPACE: namespace,
          SCALING_RESOURCE_OWNER: 'hanyang-university-graduation-37-team',
          SCALING_STABILIZATION_SECONDS: '0',
        },
        { logDir },
      );
      const boundary = new HttpUser(api.url, 'bench-boundary');
      await boundary.signUp();

      if (enabled('reaction')) {
        const crossings = {
          api,
          operator,
          namespace,
          resource: 'hanyang-kiada-autoscaler',
          boundary,
          crossings: PLAN.crossings,
        };
        log(
          `reaction: ${PLAN.crossings} crossings up and ${PLAN.crossings} down ` +
            'across 1,000 active users (2 <-> 3 replicas), window 0, no spec.policy',
        );
        results.reactionWithoutPolicy = await reactionBenchmark(crossings);
        // Then every rule in every decision: two schedules and a forecast that change nothing.
        await applyPolicy(namespace, 'hanyang-kiada-autoscaler', REACTION_POLICY);
        log('reaction: the same with spec.policy: 2 schedules + forecast');
        results.reaction = await reactionBenchmark(crossings);
      }
      if (enabled('auth')) {
        results.auth = await authLoadBenchmark({ api, databaseUrl, ...PLAN });
        results.burst = await burstBenchmark({
          api,
          databaseUrl,
          logins: PLAN.burst,
          connections: PLAN.connections,
          coalesceMs: COALESCE_MS,
        });
        results.auth.apiRssMb = round((api.hwmKb() ?? 0) / 1024);
      }
    } finally {
      await api?.stop();
      await operator?.stop();
      if (namespace) await deleteNamespace(namespace, { waitMs: 30_000 });
      await dropDatabase(databaseUrl).catch(() => undefined);
    }
  }

  if (enabled('count')) {
    results.countCost = await countCostBenchmark({ ...PLAN.count, logDir });
  }
  if (enabled('maintenance')) {
    results.maintenance = await countMaintenanceBenchmark({ ...PLAN.maintenance, logDir });
  }
  if (enabled('contention')) {
    results.contention = await countContentionBenchmark({ ...PLAN.contention, logDir });
  }
  if (enabled('ramp')) {
    results.ramp = await rampBenchmark(PLAN.ramp, logDir);
  }
  if (enabled('operator')) {
    results.operatorScale = await operatorScaleBenchmark({
      count: PLAN.scale,
      idleS: PLAN.idleS,
      logDir,
    });
  }

  results.machine.loadAverageAtEnd = os.loadavg().map((v) => round(v, 2));
  const file = join(resultsDir, `${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${report(results)}\n\nresults: ${file}\napp logs: ${logDir}\n`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`[bench] ${signal}: stopping the app processes\n`);
    killAllApps();
    process.exit(130);
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`[bench] FAILED: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
