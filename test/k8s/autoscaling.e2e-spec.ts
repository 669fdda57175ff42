import { apiEnv } from '../support/api-process.js';
import { migrateDatabase, startApp, type AppProcess } from '../support/app-process.js';
import { applyCrd, getServiceCount } from '../support/custom-resource.js';
import { dropDatabase, freshDatabase } from '../support/database.js';
import { HttpUser } from '../support/http-user.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import { startOperator } from '../support/operator-process.js';
import { installChartRbac } from '../support/rbac.js';
import { seedActiveUsers } from '../support/seed-users.js';
import {
  createTargetDeployment,
  deploymentReplicas as replicasOf,
  readyPods,
} from '../support/target-deployment.js';
import { waitFor } from '../support/wait.js';
const RESOURCE = 'hanyang-kiada-autoscaler';
const TTL_SECONDS = 1800;
const WINDOW_SECONDS = 4;

/**
 * The mission end to end: users log in over HTTP to the api process, which counts them,
 * applies the tier policy and writes the KiadaServiceCount; the operator process scales
 * Deployment kiada; kwok makes its Pods Running and Ready. Both processes run out of
 * cluster with the chart's ServiceAccounts, on a real MariaDB and a real API server.
 */
describe('active users scale Deployment kiada through the custom resource', () => {
  let namespace: string;
  let databaseUrl: string;
  let api: AppProcess | undefined;
  let operator: AppProcess | undefined;
  let env: Record<string, string>;
  const users: HttpUser[] = [];

  async function restartApi(): Promise<void> {
    await api?.stop();
    api = await startApp('api', env);
  }

  const deploymentReplicas = () => replicasOf(namespace);

  async function desired(): Promise<number | undefined> {
    return (await getServiceCount(namespace, RESOURCE)).spec.kiadaServiceCount;
  }

  async function expectScaledAndReady(replicas: number): Promise<void> {
    await waitFor(`spec.kiadaServiceCount ${replicas}`, async () => (await desired()) === replicas);
    await waitFor(
      `Deployment kiada at ${replicas} replicas`,
      async () => (await deploymentReplicas()) === replicas,
    );
    await waitFor(
      `${replicas} Pods Running and Ready`,
      async () => (await readyPods(namespace)) === replicas,
      {
        timeoutMs: 60_000,
      },
    );
    const resource = await waitFor(`status ready at ${replicas}`, async () => {
      const current = await getServiceCount(namespace, RESOURCE);
      return current.status?.ready && current.status.readyReplicas === replicas
        ? current
        : undefined;
    });
    expect(resource.status?.observedGeneration).toBe(resource.metadata.generation);
    expect(resource.status?.conditions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'Scaled', status: 'True' }),
        expect.objectContaining({ type: 'Ready', status: 'True' }),
      ]),
    );
  }

  async function status(): Promise<{ activeUsers: number; desiredReplicas: number }> {
    return (await fetch(`${api!.url}/scaling/status`)).json() as Promise<{
      activeUsers: number;
      desiredReplicas: number;
    }>;
  }

  async function newUserLogsIn(): Promise<HttpUser> {
    const user = new HttpUser(api!.url, `crossing-${users.length + 1}`);
    await user.signUp();
    await user.logIn();
    users.push(user);
    return user;
  }

  beforeAll(async () => {
    await applyCrd();
    namespace = await createNamespace('ksc-scaling');
    await installChartRbac(namespace);
    await createTargetDeployment(namespace, 'kiada', 1);
    databaseUrl = await freshDatabase('autoscaling');
    env = await apiEnv(namespace, databaseUrl, {
      SESSION_TTL_SECONDS: String(TTL_SECONDS),
      SCALING_RESOURCE_NAME: RESOURCE,
      SCALING_RESOURCE_OWNER: 'hanyang-university-graduation-37-team',
      SCALING_STABILIZATION_SECONDS: String(WINDOW_SECONDS),
    });
    // The schema first, through the migrate role (as the chart's hook Job runs it).
    await migrateDatabase(databaseUrl);
    await seedActiveUsers(databaseUrl, 999, TTL_SECONDS * 1000);
    operator = await startOperator(namespace);
    api = await startApp('api', env);
  }, 120_000);

  afterAll(async () => {
    await api?.stop();
    await operator?.stop();
    if (namespace) await deleteNamespace(namespace);
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('creates the resource at 999 active users and kiada runs 2 Pods', async () => {
    await expectScaledAndReady(2);
    await expect(status()).resolves.toMatchObject({ activeUsers: 999, desiredReplicas: 2 });
    const resource = await getServiceCount(namespace, RESOURCE);
    expect(resource.spec.owner).toBe('hanyang-university-graduation-37-team');
  });

  it('the login of the 1,000th user scales kiada to 3', async () => {
    await newUserLogsIn();
    await expectScaledAndReady(3);
    await expect(status()).resolves.toMatchObject({ activeUsers: 1000, desiredReplicas: 3 });
  });

  it('crossing 10,000 active users keeps 3 (the policy adds the next pod at 30,000)', async () => {
    await api!.stop();
    await seedActiveUsers(databaseUrl, 8_999, TTL_SECONDS * 1000);
    await restartApi();
    await waitFor('the api to count 9,999', async () => (await status()).activeUsers === 9_999);
    const generation = (await getServiceCount(namespace, RESOURCE)).metadata.generation;

    await newUserLogsIn();

    await waitFor('the api to count 10,000', async () => (await status()).activeUsers === 10_000);
    await expect(status()).resolves.toMatchObject({ desiredReplicas: 3 });
    const resource = await getServiceCount(namespace, RESOURCE);
    expect(resource.spec.kiadaServiceCount).toBe(3);
    expect(resource.metadata.generation).toBe(generation);
  });

  it('the login of the 30,000th user scales kiada to 4', async () => {
    await api!.stop();
    await seedActiveUsers(databaseUrl, 19_999, TTL_SECONDS * 1000);
    await restartApi();
    await waitFor('the api to count 29,999', async () => (await status()).activeUsers === 29_999);
    expect(await desired()).toBe(3);

    await newUserLogsIn();

    await expectScaledAndReady(4);
    await expect(status()).resolves.toMatchObject({ activeUsers: 30_000, desiredReplicas: 4 });
  });

  it('a logout below 30,000 scales back to 3 only after the stabilization window', async () => {
    const loggedOutAt = Date.now();
    await users.at(-1)!.logOut();
    await waitFor('the api to count 29,999', async () => (await status()).activeUsers === 29_999);

    // Inside the window the resource keeps 4.
    expect(await desired()).toBe(4);
    await expectScaledAndReady(3);
    expect(Date.now() - loggedOutAt).toBeGreaterThanOrEqual(WINDOW_SECONDS * 1000);
  });
});
