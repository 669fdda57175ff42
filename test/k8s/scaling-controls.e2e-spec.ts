import { AutoscalingV2Api } from '@kubernetes/client-node';
import { apiEnv } from '../support/api-process.js';
import { migrateDatabase, startApp, type AppProcess } from '../support/app-process.js';
import { applyCrd, createServiceCount, getServiceCount } from '../support/custom-resource.js';
import { dropDatabase, freshDatabase } from '../support/database.js';
import { HttpUser } from '../support/http-user.js';
import { kubeClients, kubectl } from '../support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import { startOperator } from '../support/operator-process.js';
import { startOwnMariadb, type OwnMariadb } from '../support/own-mariadb.js';
import { installChartRbac } from '../support/rbac.js';
import { createTargetDeployment, deploymentReplicas } from '../support/target-deployment.js';
import { sleep, waitFor } from '../support/wait.js';
import { SIGNAL_AT } from '../../src/kubernetes/service-count-annotations.js';
import type { KiadaServiceCount } from '../../src/kubernetes/kiada-service-count.js';

const RESOURCE = 'hanyang-kiada-autoscaler';
/** A small policy, so a few real logins cross every tier: <2 -> 1, <4 -> 2, <6 -> 3. */
const POLICY = {
  SCALING_TIERS: '2:1,4:2,6:3',
  SCALING_STEP_USERS: '10',
  SCALING_MIN_REPLICAS: '1',
};

const condition = (resource: KiadaServiceCount, type: string) =>
  resource.status?.conditions?.find((item) => item.type === type);

async function generationOf(namespace: string, name = 'kiada'): Promise<number | undefined> {
  return (await kubeClients().apps.readNamespacedDeployment({ name, namespace })).metadata
    ?.generation;
}

/** The api and the operator as separate processes with the chart's RBAC, on `databaseUrl`. */
async function startPair(namespace: string, databaseUrl: string, env: Record<string, string> = {}) {
  const operator = await startOperator(namespace);
  const api = await startApp(
    'api',
    await apiEnv(namespace, databaseUrl, {
      SCALING_RESOURCE_NAME: RESOURCE,
      SCALING_STABILIZATION_SECONDS: '2',
      ...POLICY,
      ...env,
    }),
  );
  return { api, operator };
}

describe('decisions and pauses, with the api and the operator on a real API server', () => {
  let namespace: string;
  let databaseUrl: string;
  let api: AppProcess | undefined;
  let operator: AppProcess | undefined;
  let users = 0;

  const logIn = async () => {
    const user = new HttpUser(api!.url, `controls-${++users}`);
    await user.signUp();
    await user.logIn();
    return user;
  };
  const resource = () => getServiceCount(namespace, RESOURCE);
  const annotate = (...pairs: string[]) =>
    kubectl('annotate', '--overwrite', '--namespace', namespace, `ksc/${RESOURCE}`, ...pairs);

  beforeAll(async () => {
    await applyCrd();
    namespace = await createNamespace('ksc-controls');
    await installChartRbac(namespace);
    await createTargetDeployment(namespace, 'kiada', 1);
    databaseUrl = await freshDatabase('controls');
    await migrateDatabase(databaseUrl);
    ({ api, operator } = await startPair(namespace, databaseUrl));
    await logIn(); // 1 active user: 1 replica
    await waitFor('kiada at 1 replica', async () => (await deploymentReplicas(namespace)) === 1);
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await operator?.stop();
    if (namespace) await deleteNamespace(namespace);
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('/scaling/decisions returns the crossing with its reason', async () => {
    await logIn(); // 2 active users >= 2: 2 replicas
    await waitFor('kiada at 2 replicas', async () => (await deploymentReplicas(namespace)) === 2);
    const page = (await (await fetch(`${api!.url}/scaling/decisions?limit=5`)).json()) as {
      items: Array<{ reason: string; message: string; replicas: number; activeUsers: number }>;
    };
    expect(page.items[0]).toMatchObject({
      reason: 'TierMatched',
      replicas: 2,
      activeUsers: 2,
      message: '2 active users >= 2: 2 replicas (was 1)',
    });
  });

  it('kubectl describe ksc lists the decision Events and the last scale time', async () => {
    const described = await waitFor('the decision Events and the scale', async () => {
      const text = await kubectl('describe', 'ksc', RESOURCE, '--namespace', namespace);
      const scaled = /Last Scale Time:/.test(text);
      return scaled && text.includes('2 active users >= 2: 2 replicas (was 1)') ? text : undefined;
    });
    expect(described).toMatch(
      /Normal\s+TierMatched\s+.*kiada-autoscaler-api\s+2 active users >= 2: 2 replicas \(was 1\)/,
    );
    // The operator's scale shows in the status (no second Event repeating the decision).
    expect(described).toMatch(/Last Scale Time:\s+\d{4}-\d\d-\d\dT/);
    expect(described).not.toMatch(/Normal\s+Scaled\s/);
  });

  it('a crossing while paused leaves the Deployment unchanged, and the status shows the would-be value', async () => {
    await annotate('autoscaling.hanyang.ac.kr/paused=true');
    await waitFor(
      'Paused=True',
      async () => condition(await resource(), 'Paused')?.status === 'True',
    );
    const generation = await generationOf(namespace);
    await logIn();
    await logIn(); // 4 active users: the autoscaler asks for 3
    const paused = await waitFor('spec 3 and status showing it', async () => {
      const current = await resource();
      return current.spec.kiadaServiceCount === 3 && current.status?.desiredReplicas === 3
        ? current
        : undefined;
    });
    expect(paused.status).toMatchObject({ desiredReplicas: 3, replicas: 2 });
    expect(condition(paused, 'Paused')?.message).toBe(
      'Deployment "kiada" held at 2 replicas; the autoscaler asks for 3',
    );
    await sleep(2_000);
    expect(await deploymentReplicas(namespace)).toBe(2);
    expect(await generationOf(namespace)).toBe(generation);
    const printed = await kubectl('get', 'ksc', RESOURCE, '--namespace', namespace);
    expect(printed).toMatch(/hanyang-kiada-autoscaler\s+\S+\s+3\s+2\s+\S+\s+True/);
  });

  it('paused-replicas sets N and holds it', async () => {
    await annotate(
      'autoscaling.hanyang.ac.kr/paused-',
      'autoscaling.hanyang.ac.kr/paused-replicas=5',
    );
    await waitFor('kiada at 5 replicas', async () => (await deploymentReplicas(namespace)) === 5);
    // The status follows the scale in the same reconcile, a moment later.
    await waitFor('Paused=True at replicas', async () => {
      const paused = condition(await resource(), 'Paused');
      return paused?.status === 'True' && paused.reason === 'PausedAtReplicas';
    });
    await sleep(1_500);
    expect(await deploymentReplicas(namespace)).toBe(5);
  });

  it('paused-until ends the pause by itself at that time', async () => {
    const until = new Date(Date.now() + 6_000);
    until.setMilliseconds(0);
    await annotate(
      'autoscaling.hanyang.ac.kr/paused-replicas-',
      'autoscaling.hanyang.ac.kr/paused=true',
      `autoscaling.hanyang.ac.kr/paused-until=${until.toISOString().replace('.000Z', 'Z')}`,
    );
    await waitFor('Paused=True with the end time', async () =>
      condition(await resource(), 'Paused')?.message.includes(`until ${until.toISOString()}`),
    );
    expect(await deploymentReplicas(namespace)).toBe(5); // held as it is
    await waitFor(
      'kiada back at 3 replicas',
      async () => (await deploymentReplicas(namespace)) === 3,
      {
        timeoutMs: 20_000,
        intervalMs: 100,
      },
    );
    const endedAfter = Date.now() - until.getTime();
    expect(endedAfter).toBeGreaterThanOrEqual(0);
    expect(endedAfter).toBeLessThan(3_000);
    await waitFor('Paused=False, PauseExpired', async () => {
      const paused = condition(await resource(), 'Paused');
      return paused?.status === 'False' && paused.reason === 'PauseExpired';
    });
  });
});

describe('one owner per Deployment (the operator on a real API server)', () => {
  let namespace: string;
  let operator: AppProcess | undefined;

  beforeAll(async () => {
    await applyCrd();
    namespace = await createNamespace('ksc-owner');
    await installChartRbac(namespace);
    operator = await startOperator(namespace);
  }, 60_000);

  afterAll(async () => {
    await operator?.stop();
    if (namespace) await deleteNamespace(namespace);
  });

  it('two resources on one Deployment: the older scales it, the other is TargetClaimed, and the Deployment stays put', async () => {
    await createTargetDeployment(namespace, 'kiada', 1);
    await createServiceCount(namespace, 'older', { owner: 'a', kiadaServiceCount: 2 });
    await sleep(1_100); // creation times have a resolution of one second
    await createServiceCount(namespace, 'younger', { owner: 'b', kiadaServiceCount: 4 });
    await waitFor('kiada at 2 replicas', async () => (await deploymentReplicas(namespace)) === 2);
    const younger = await waitFor('younger TargetClaimed', async () => {
      const current = await getServiceCount(namespace, 'younger');
      return condition(current, 'Scaled')?.reason === 'TargetClaimed' ? current : undefined;
    });
    expect(condition(younger, 'Scaled')?.message).toContain('scaled by KiadaServiceCount "older"');
    const generation = await generationOf(namespace);
    await sleep(10_000);
    expect(await generationOf(namespace)).toBe(generation);
    expect(await deploymentReplicas(namespace)).toBe(2);
    const events = await kubectl(
      'get',
      'events',
      '--namespace',
      namespace,
      '--field-selector',
      'involvedObject.name=younger',
    );
    expect(events).toMatch(/Warning\s+TargetClaimed/);
  }, 60_000);

  it('an HPA on the target: the resource writes nothing to it', async () => {
    await createTargetDeployment(namespace, 'web', 1);
    await kubeClients()
      .kc.makeApiClient(AutoscalingV2Api)
      .createNamespacedHorizontalPodAutoscaler({
        namespace,
        body: {
          metadata: { name: 'web' },
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
            minReplicas: 1,
            maxReplicas: 3,
            metrics: [
              {
                type: 'Resource',
                resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
              },
            ],
          },
        },
      });
    const generation = await generationOf(namespace, 'web');
    await createServiceCount(namespace, 'web-scaler', {
      owner: 'c',
      kiadaServiceCount: 3,
      targetRef: { name: 'web' },
    });
    const current = await waitFor('HorizontalPodAutoscalerPresent', async () => {
      const found = await getServiceCount(namespace, 'web-scaler');
      return condition(found, 'Scaled')?.reason === 'HorizontalPodAutoscalerPresent'
        ? found
        : undefined;
    });
    expect(condition(current, 'Scaled')).toMatchObject({ status: 'False' });
    await sleep(3_000);
    expect(await deploymentReplicas(namespace, 'web')).toBe(1);
    expect(await generationOf(namespace, 'web')).toBe(generation);
  });
});

describe("fallback when the api's database is killed (a MariaDB of this test's own)", () => {
  let namespace: string;
  let database: OwnMariadb | undefined;
  let api: AppProcess | undefined;
  let operator: AppProcess | undefined;
  const STALE_SECONDS = 6;

  beforeAll(async () => {
    await applyCrd();
    namespace = await createNamespace('ksc-fallback');
    await installChartRbac(namespace);
    await createTargetDeployment(namespace, 'kiada', 1);
    await createServiceCount(namespace, RESOURCE, {
      owner: 'team',
      kiadaServiceCount: 1,
      fallback: { staleAfterSeconds: STALE_SECONDS, replicas: 4 },
    });
    database = await startOwnMariadb('fallback');
    await migrateDatabase(database.url);
    ({ api, operator } = await startPair(namespace, database.url, {
      SCALING_RESYNC_SECONDS: '1',
      SCALING_STABILIZATION_SECONDS: '3',
    }));
  }, 180_000);

  afterAll(async () => {
    await api?.stop();
    await operator?.stop();
    await database?.remove();
    if (namespace) await deleteNamespace(namespace);
  });

  it('holds during the outage (no scale-down), goes to fallback.replicas after the stale time, and recovers', async () => {
    const users = await Promise.all(
      [1, 2, 3, 4].map(async (n) => {
        const user = new HttpUser(api!.url, `fallback-${n}`);
        await user.signUp();
        await user.logIn();
        return user;
      }),
    );
    await waitFor('kiada at 3 replicas', async () => (await deploymentReplicas(namespace)) === 3);
    await waitFor(
      'SignalFresh=True',
      async () =>
        condition(await getServiceCount(namespace, RESOURCE), 'SignalFresh')?.status === 'True',
    );

    // Two log out: 2 replicas recommended, held by the 3 s window... and the database dies.
    await users[3].logOut();
    await users[2].logOut();
    await waitFor(
      'the hold',
      async () => (await getServiceCount(namespace, RESOURCE)).status?.desiredReplicas === 3,
    );
    // Traffic goes on during the outage; the Deployment is sampled all along.
    const replicasSeen: number[] = [];
    let traffic = true;
    const background = (async () => {
      while (traffic) {
        await fetch(`${api!.url}/auth/me`, { headers: { cookie: users[0].sessionCookie } }).catch(
          () => undefined,
        );
        replicasSeen.push((await deploymentReplicas(namespace)) ?? -1);
        await sleep(200);
      }
    })();
    try {
      await database!.kill();
      const stale = await waitFor(
        'SignalFresh=False',
        async () => {
          const current = await getServiceCount(namespace, RESOURCE);
          return condition(current, 'SignalFresh')?.status === 'False' ? current : undefined;
        },
        { timeoutMs: 30_000 },
      );
      // Not before the stale time: the last signal the api wrote is that old.
      const signalAt = Date.parse(stale.metadata.annotations![SIGNAL_AT]);
      expect(Date.now() - signalAt).toBeGreaterThanOrEqual(STALE_SECONDS * 1000);
      expect(condition(stale, 'SignalFresh')?.reason).toBe('SignalStale');
      // Never down, up to fallback.replicas.
      await waitFor(
        'kiada at fallback.replicas 4',
        async () => (await deploymentReplicas(namespace)) === 4,
      );
      // The api wrote nothing new, though the window for 2 ended during the outage.
      expect((await getServiceCount(namespace, RESOURCE)).spec.kiadaServiceCount).toBe(3);
      expect(Math.min(...replicasSeen)).toBeGreaterThanOrEqual(3);

      await database!.restart();
    } finally {
      traffic = false;
      await background;
    }
    await waitFor(
      'SignalFresh=True again',
      async () =>
        condition(await getServiceCount(namespace, RESOURCE), 'SignalFresh')?.status === 'True',
      { timeoutMs: 30_000 },
    );
    await waitFor(
      'kiada back at 2 replicas (2 users)',
      async () => (await deploymentReplicas(namespace)) === 2,
      { timeoutMs: 30_000 },
    );
  }, 150_000);
});
