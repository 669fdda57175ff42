// Benchmark: a login ramp across a tier bound, with the pods' start-up time (kwok's pod-ready
// delay), forecast off and on. For each: when the api asked for the new replicas (the
// KiadaServiceCount's spec), when the count crossed the bound (the response of the login
// that made it 1,000), and when the new pods were Ready, as the bench's own watches see it.
import type { V1Pod } from '@kubernetes/client-node';
import {
  Argon2PasswordHasher,
  OWASP_ARGON2ID,
} from '../src/auth/password/argon2-password-hasher.js';
import type { KiadaServiceCount } from '../src/kubernetes/kiada-service-count.js';
import { migrateDatabase, type AppProcess } from '../test/support/app-process.js';
import { serviceCountsPath } from '../test/support/custom-resource.js';
import { dropDatabase, freshDatabase } from '../test/support/database.js';
import { DEFAULT_PASSWORD, HttpUser } from '../test/support/http-user.js';
import { kubeClients } from '../test/support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../test/support/namespaces.js';
import { insertUsers } from '../test/support/seed-users.js';
import { isPodReady, targetDeploymentBody } from '../test/support/target-deployment.js';
import { sleep, waitFor } from '../test/support/wait.js';
import { SESSION_TTL_MS, startBenchApp } from './lib/bench-app.js';
import { applyPolicy } from './lib/bench-policy.js';
import { log, now } from './lib/progress.js';
import { round } from './lib/statistics.js';
import { watch } from './lib/watch.js';

/** The bound the ramp crosses: 1,000 active users (2 -> 3 replicas, the seed's first tier). */
const BOUND = 1_000;
const RESOURCE = 'hanyang-kiada-autoscaler';
/** kwok's annotation: the pod turns Ready this long after it is created. */
const READY_DELAY = 'pod-ready.stage.kwok.x-k8s.io/delay';

export interface RampPlan {
  /** Active users before the ramp (seeded sessions). */
  startUsers: number;
  /** Logins per second during the ramp. */
  loginsPerSecond: number;
  /** The kiada pods' start-up time (kwok's pod-ready delay). */
  podStartSeconds: number;
  forecast: { lookaheadSeconds: number; windowSeconds: number };
}

export interface RampRun {
  forecast: boolean;
  /** Seconds from the api's request of 3 replicas to the crossing (> 0: asked before it). */
  requestToCrossingS: number | null;
  /** Seconds from the crossing to the third pod Ready (< 0: Ready before it). */
  crossingToReadyS: number | null;
  /** The active users when the api asked for 3 replicas. */
  usersAtRequest: number | null;
  /** The reason of the decision that asked for them. */
  reason: string | null;
}

/** The ramp with forecast off, then on, each on a fresh database, namespace and app. */
export async function rampBenchmark(plan: RampPlan, logDir: string) {
  const runs: RampRun[] = [];
  for (const forecast of [false, true]) runs.push(await rampRun(plan, forecast, logDir));
  const leadS = round((BOUND - plan.startUsers) / plan.loginsPerSecond, 1);
  return { plan: { ...plan, bound: BOUND, rampSeconds: leadS }, runs };
}

async function rampRun(plan: RampPlan, forecast: boolean, logDir: string): Promise<RampRun> {
  const mode = forecast ? 'on' : 'off';
  const namespace = await createNamespace(`kiada-bench-ramp-${mode}`, {
    label: 'kiada-autoscaler/bench',
  });
  const databaseUrl = await freshDatabase(`ramp_${mode}`);
  const apps: AppProcess[] = [];
  const { kc, apps: appsApi } = kubeClients();
  try {
    const body = targetDeploymentBody('kiada', 2);
    body.spec!.template.metadata!.annotations = { [READY_DELAY]: `${plan.podStartSeconds}s` };
    await appsApi.createNamespacedDeployment({ namespace, body });
    await migrateDatabase(databaseUrl);
    await insertUsers(databaseUrl, plan.startUsers, {
      prefix: 'ramp-on-',
      sessionTtlMs: SESSION_TTL_MS,
    });
    const arriving = BOUND - plan.startUsers + plan.loginsPerSecond * 5;
    const passwordHash = await new Argon2PasswordHasher(OWASP_ARGON2ID).hash(DEFAULT_PASSWORD);
    const users = await insertUsers(databaseUrl, arriving, { prefix: 'ramp-in-', passwordHash });
    const env = { ...(process.env.KUBECONFIG ? { KUBECONFIG: process.env.KUBECONFIG } : {}) };
    apps.push(
      await startBenchApp(
        'operator',
        { ...env, OPERATOR_NAMESPACE: namespace, OPERATOR_LEASE_NAMESPACE: namespace },
        { logDir, name: `ramp-${mode}-operator` },
      ),
    );
    const api = await startBenchApp(
      'api',
      {
        ...env,
        DATABASE_URL: databaseUrl,
        SESSION_TTL_SECONDS: String(SESSION_TTL_MS / 1000),
        AUTH_THROTTLE_LIMIT: '0',
        SCALING_NAMESPACE: namespace,
        SCALING_STABILIZATION_SECONDS: '0',
      },
      { logDir, name: `ramp-${mode}-api` },
    );
    apps.push(api);
    if (forecast) await applyPolicy(namespace, RESOURCE, { forecast: plan.forecast });

    // The bench's own view: when the spec asked for 3 replicas, when 3 pods were Ready.
    let requestedAt: number | null = null;
    let readyAt: number | null = null;
    const ready = new Set<string>();
    const watches = [
      watch<KiadaServiceCount>(kc, serviceCountsPath(namespace), {}, (_type, object, at) => {
        if (object.spec?.kiadaServiceCount === 3) requestedAt ??= at;
      }),
      watch<V1Pod>(
        kc,
        `/api/v1/namespaces/${namespace}/pods`,
        { labelSelector: 'app=kiada' },
        (type, pod, at) => {
          const name = pod.metadata?.name ?? '';
          if (type !== 'DELETED' && isPodReady(pod)) ready.add(name);
          else ready.delete(name);
          if (ready.size >= 3 && readyAt === null) readyAt = at;
        },
      ),
    ];
    try {
      await waitFor('2 kiada pods Ready', () => ready.size === 2, { timeoutMs: 120_000 });
      await waitFor('the api counting the seeded users', async () => {
        const status = (await (await fetch(`${api.url}/scaling/status`)).json()) as {
          activeUsers: number | null;
        };
        return status.activeUsers === plan.startUsers;
      });
      await sleep(2_000); // a flat start for the forecast's window
      log(
        `ramp (forecast ${mode}): ${plan.loginsPerSecond} logins/s from ${plan.startUsers} active users across ${BOUND}, pods Ready ${plan.podStartSeconds} s after they start`,
      );
      let crossedAt: number | null = null;
      const start = now();
      const interval = 1000 / plan.loginsPerSecond;
      const logins = users.map(async (user, i) => {
        await sleep(Math.max(0, start + i * interval - now()));
        await new HttpUser(api.url, user.username).logIn();
        const active = plan.startUsers + i + 1;
        if (active === BOUND) crossedAt = now();
      });
      await Promise.all(logins);
      await waitFor('3 kiada pods Ready', () => readyAt !== null, { timeoutMs: 120_000 });
      // The decision that asked for 3: its active users and reason, from the record.
      const page = (await (await fetch(`${api.url}/scaling/decisions?limit=50`)).json()) as {
        items: Array<{ replicas: number | null; activeUsers: number | null; reason: string }>;
      };
      const asked = page.items.reverse().find((item) => item.replicas === 3);
      const usersAtRequest = asked?.activeUsers ?? null;
      const reason = asked?.reason ?? null;
      const seconds = (a: number | null, b: number | null) =>
        a === null || b === null ? null : round((b - a) / 1000, 1);
      const run: RampRun = {
        forecast,
        requestToCrossingS: seconds(requestedAt, crossedAt),
        crossingToReadyS: seconds(crossedAt, readyAt),
        usersAtRequest,
        reason,
      };
      const after = run.crossingToReadyS;
      log(
        `ramp (forecast ${mode}): 3 replicas asked for ${run.requestToCrossingS} s before the crossing ` +
          `(at ${usersAtRequest} active users, ${reason}); Ready ` +
          (after === null ? 'never' : after < 0 ? `${-after} s before it` : `${after} s after it`),
      );
      return run;
    } finally {
      watches.forEach((w) => w.stop());
    }
  } finally {
    for (const app of apps.reverse()) await app.stop();
    await deleteNamespace(namespace, { waitMs: 30_000 });
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
}
