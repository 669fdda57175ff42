import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runToEnd, startApp, type AppProcess } from '../support/app-process.js';
import { getServiceCount } from '../support/custom-resource.js';
import { HttpUser } from '../support/http-user.js';
import { kubeClients, kubectl } from '../support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import { startOwnMariadb, type OwnMariadb } from '../support/own-mariadb.js';
import { waitFor } from '../support/wait.js';
import {
  applyChartCrds,
  containerEnv,
  helmTemplate,
  renderedObject,
  renderedObjects,
  secretData,
  serviceAccountOf,
  type RenderedObject,
} from '../support/rendered-workloads.js';
import { serviceAccountKubeconfig } from '../support/service-account.js';
import { CHART } from '../support/rbac.js';

const RELEASE = 'kiada-autoscaler';
const GENERATED = `${RELEASE}-generated`;
const MYSQL_SERVICE = `${RELEASE}-mysql:3306`;
const SERVICE_COUNT = 'hanyang-kiada-autoscaler';
/** The api's resync (SCALING_RESYNC_SECONDS, 30 s as rendered), shortened so the test need not wait. */
const API_RESYNC_SECONDS = '2';

/**
 * The chart installed the GitOps way, as Argo CD does it: `helm template` with the default
 * values (bundled MySQL, nothing given), `kubectl apply` of the output, then a fresh render
 * applied again. The local control plane's nodes are kwok fakes, so the pods the chart
 * renders run here as processes, exactly as rendered (environment from the cluster's
 * Secrets, their ServiceAccount's permissions): the secrets Job, MySQL (a MariaDB with the
 * mysql image's start-up contract: database, user and password from the pod's environment),
 * the migration Job and the api. A user logged in before the re-apply stays logged in
 * after it and an api restart, and the api still reaches MySQL.
 */
describe('helm template | kubectl apply, re-applied with a fresh render (the GitOps way)', () => {
  let namespace: string;
  let firstRender: string;
  let objects: RenderedObject[];
  let mysql: OwnMariadb | undefined;
  let api: AppProcess | undefined;
  const user = { name: 'gitops-user', cookie: '' };

  const render = () => helmTemplate(RELEASE, CHART, ['--namespace', namespace]);
  const apply = async (yaml: string, label: string) => {
    const file = join(tmpdir(), `kiada-e2e-gitops-${label}-${process.pid}.yaml`);
    writeFileSync(file, yaml);
    return (await kubectl('apply', '--namespace', namespace, '-f', file)).trim().split('\n');
  };
  /** The environment and permissions of one rendered container, run as a process here. */
  const processEnv = async (
    kind: string,
    name: string,
    container: string,
  ): Promise<Record<string, string>> => {
    const workload = renderedObject(objects, kind, name);
    return {
      ...(await containerEnv(workload, container, {
        namespace,
        podName: `${name}-e2e`,
        services: mysql ? { [MYSQL_SERVICE]: `127.0.0.1:${mysql.port}` } : {},
      })),
      KUBECONFIG: await serviceAccountKubeconfig(namespace, serviceAccountOf(workload)),
      // loopback only: the pod's 0.0.0.0 would listen on every address of this machine
      HOST: '127.0.0.1',
    };
  };
  const runJob = async (name: string, container: string) => {
    const result = await runToEnd(await processEnv('Job', name, container));
    if (result.exitCode !== 0) {
      throw new Error(`Job ${name} exited ${result.exitCode}:\n${result.output.slice(-3000)}`);
    }
    return result.output;
  };
  const startApi = async () =>
    startApp(
      'api',
      {
        ...(await processEnv('Deployment', `${RELEASE}-api`, 'api')),
        SCALING_RESYNC_SECONDS: API_RESYNC_SECONDS,
      },
      { nodeEnv: 'production' },
    );
  /** metadata.generation of every rendered object that has one (it changes with its spec). */
  const generations = async (): Promise<Record<string, number>> => {
    const names = objects
      .filter((object) => object.metadata.namespace === namespace)
      .map((object) => `${object.kind}/${object.metadata.name}`);
    const { items } = JSON.parse(
      await kubectl(
        'get',
        ...names.map((name) => name.toLowerCase()),
        '-n',
        namespace,
        '-o',
        'json',
      ),
    ) as { items: Array<{ kind: string; metadata: { name: string; generation?: number } }> };
    return Object.fromEntries(
      items
        .filter((item) => item.metadata.generation !== undefined)
        .map((item) => [`${item.kind}/${item.metadata.name}`, item.metadata.generation!]),
    );
  };
  const me = async () =>
    fetch(`${api!.url}/auth/me`, { headers: { cookie: user.cookie } }).then(async (response) => ({
      status: response.status,
      body: (await response.json()) as { username?: string },
    }));
  const generatedSecret = () =>
    kubeClients().core.readNamespacedSecret({ name: GENERATED, namespace });

  beforeAll(async () => {
    // The CRD first, as the chart's README says (kubectl cannot apply a KiadaServiceCount in
    // the same run as its CRD; Argo CD orders them so too).
    await applyChartCrds(CHART);
    namespace = await createNamespace('ksc-gitops');
  });

  afterAll(async () => {
    await api?.stop();
    await mysql?.remove();
    if (namespace) await deleteNamespace(namespace);
  });

  it('renders the same objects twice, with no Secret and nothing random in them', async () => {
    firstRender = await render();
    expect(await render()).toBe(firstRender);
    objects = await renderedObjects(firstRender, 'first');
    // What no value gives is created in the cluster by the secrets Job, never rendered.
    expect(objects.filter((object) => object.kind === 'Secret')).toEqual([]);
    expect(renderedObject(objects, 'Job', `${RELEASE}-secrets`).metadata.annotations).toMatchObject(
      { 'helm.sh/hook': 'pre-install,pre-upgrade' },
    );
  });

  it('installs with kubectl apply; the secrets Job creates the generated Secret once', async () => {
    const applied = await apply(firstRender, 'first');
    expect(applied.filter((line) => !/ (created|configured)$/.test(line))).toEqual([]);

    const output = await runJob(`${RELEASE}-secrets`, 'secrets');
    expect(output).toContain(`created Secret ${namespace}/${GENERATED}: generated session-secret`);
    const secret = await secretData(namespace, GENERATED);
    expect(Object.keys(secret).sort()).toEqual([
      'mysql-password',
      'mysql-root-password',
      'session-secret',
    ]);
    for (const value of Object.values(secret)) expect(value).toMatch(/^[A-Za-z0-9]{48}$/);
    // Not an object of the release: Argo CD's label tracking would prune it.
    expect((await generatedSecret()).metadata?.labels).not.toHaveProperty(
      'app.kubernetes.io/instance',
    );
  });

  it('runs MySQL, the migrations and the api as rendered, and a user logs in', async () => {
    const database = await processEnv('StatefulSet', `${RELEASE}-mysql`, 'mysql');
    mysql = await startOwnMariadb('gitops', {
      database: database.MYSQL_DATABASE,
      user: database.MYSQL_USER,
      password: database.MYSQL_PASSWORD,
    });
    await runJob(`${RELEASE}-migrate`, 'migrate');

    api = await startApi();
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    const http = new HttpUser(api.url, user.name);
    await http.signUp();
    await http.logIn();
    user.cookie = http.sessionCookie;
    expect(await me()).toEqual({
      status: 200,
      body: expect.objectContaining({ username: user.name }),
    });
  }, 120_000);

  it('re-applies a fresh render: no object changes but the decision, which the api puts back', async () => {
    const before = await generations();
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        `Deployment/${RELEASE}-api`,
        `StatefulSet/${RELEASE}-mysql`,
        `Job/${RELEASE}-secrets`,
        `PodDisruptionBudget/${RELEASE}-api`,
        `KiadaServiceCount/${SERVICE_COUNT}`,
      ]),
    );
    const secretVersion = (await generatedSecret()).metadata!.resourceVersion;
    const decided = (await getServiceCount(namespace, SERVICE_COUNT)).spec.kiadaServiceCount;
    expect(decided).toBe(2); // one active user: the first tier's 2 replicas

    const fresh = await render();
    expect(fresh).toBe(firstRender);
    await apply(fresh, 'again');
    // kubectl's three-way merge sets back every field the manifest names, the decision
    // (spec.kiadaServiceCount) too: only that object changes, and the api's next resync
    // writes its decision again (Argo CD: ignoreDifferences keeps it, chart README).
    const after = await generations();
    expect({ ...after, [`KiadaServiceCount/${SERVICE_COUNT}`]: 0 }).toEqual({
      ...before,
      [`KiadaServiceCount/${SERVICE_COUNT}`]: 0,
    });
    await waitFor(
      "the api's decision back in the KiadaServiceCount",
      async () =>
        (await getServiceCount(namespace, SERVICE_COUNT)).spec.kiadaServiceCount === decided,
      { timeoutMs: 20_000 },
    );

    // Argo CD runs the hook at every sync: it finds every key and changes nothing.
    expect(await runJob(`${RELEASE}-secrets`, 'secrets')).toContain(
      `Secret ${namespace}/${GENERATED} holds session-secret, mysql-password, mysql-root-password: left as it is`,
    );
    expect((await generatedSecret()).metadata!.resourceVersion).toBe(secretVersion);
  }, 60_000);

  it('keeps the user logged in across an api restart, and the api reaches MySQL', async () => {
    await api!.stop();
    api = await startApi();
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    expect(await me()).toEqual({
      status: 200,
      body: expect.objectContaining({ username: user.name }),
    });
  }, 120_000);
});
