import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { applyCrd, getServiceCount } from '../support/custom-resource.js';
import { kubectl } from '../support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import { CHART } from '../support/rbac.js';
import { renderedObjects, type RenderedObject } from '../support/rendered-workloads.js';
import { applyThirdPartyCrds } from '../support/third-party-crds.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const RELEASE = 'kiada-autoscaler';
/** Every optional feature on: Ingress, HTTPRoute, PDBs, spread, priority classes, NetworkPolicies, monitoring. */
const ALL_FEATURES = 'test/helm/values/all-features.yaml';
/** The PriorityClass all-features.yaml names; the Priority admission plugin rejects pods naming a missing one. */
const PRIORITY_CLASS = 'kiada-autoscaler-e2e';
const helm = (...args: string[]) =>
  run('helm', args, { env: process.env, maxBuffer: 16 * 1024 * 1024 });

/** Namespaced kinds the chart creates; after `helm uninstall` none may be left. */
const KINDS = [
  'deployments.apps',
  'statefulsets.apps',
  'jobs.batch',
  'services',
  'serviceaccounts',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'roles.rbac.authorization.k8s.io',
  'rolebindings.rbac.authorization.k8s.io',
  'kiadaservicecounts.hanyang.ac.kr',
  'poddisruptionbudgets.policy',
  'networkpolicies.networking.k8s.io',
  'ingresses.networking.k8s.io',
  'httproutes.gateway.networking.k8s.io',
  'servicemonitors.monitoring.coreos.com',
  'prometheusrules.monitoring.coreos.com',
];

/** `kind.group/name`, as `kubectl get --output name` prints it. */
function resourceName(object: RenderedObject): string {
  const group = object.apiVersion.includes('/') ? `.${object.apiVersion.split('/')[0]}` : '';
  return `${object.kind.toLowerCase()}${group}/${object.metadata.name}`;
}

/** The fields of a Deployment these tests read. */
type Deployment = { spec: { replicas?: number }; status: { readyReplicas?: number } };

/** `kubectl get <args> --namespace <namespace> --output json`, parsed. */
async function getJson<T>(namespace: string, ...args: string[]): Promise<T> {
  return JSON.parse(await kubectl('get', ...args, '--namespace', namespace, '--output', 'json'));
}

async function releaseObjects(namespace: string): Promise<string[]> {
  const out = await kubectl(
    'get',
    KINDS.join(','),
    '--namespace',
    namespace,
    '--selector',
    `app.kubernetes.io/instance=${RELEASE}`,
    '--output',
    'name',
  );
  return out.split('\n').filter((line) => line.length > 0);
}

/**
 * `helm install` of the chart, with every optional feature on, into the real API server:
 * every object accepted and stored as rendered (the server validates each against its schema
 * or CRD, and a CRD silently prunes fields it does not know, so each stored object is compared
 * with the rendered one), the KiadaServiceCount created, the migration hook Job completed
 * (kwok completes Job pods), and `helm uninstall` leaving nothing but the CRDs.
 * Images are never pulled: kwok's fake nodes only pretend to run containers.
 */
describe('Helm chart installed into a real API server', () => {
  let namespace: string;

  beforeAll(async () => {
    await applyCrd();
    await applyThirdPartyCrds();
    await kubectl(
      'create',
      'priorityclass',
      PRIORITY_CLASS,
      '--value',
      '1000',
      '--description',
      'kiada-autoscaler chart e2e',
    ).catch((error: { stderr?: string }) => {
      if (!String(error.stderr).includes('AlreadyExists')) throw error;
    });
    namespace = await createNamespace('ksc-chart');
  }, 120_000);

  afterAll(async () => {
    await helm('uninstall', RELEASE, '--namespace', namespace).catch(() => undefined);
    await deleteNamespace(namespace);
    await kubectl('delete', 'priorityclass', PRIORITY_CLASS, '--ignore-not-found');
  });

  it('installs with one helm install, every optional feature on, and the API server stores every object as rendered', async () => {
    // The CRD is there already (every suite installs it from the chart's crds/): Helm leaves
    // an existing CRD of crds/ as it is.
    await helm(
      'install',
      RELEASE,
      CHART,
      '--namespace',
      namespace,
      '-f',
      ALL_FEATURES,
      '--wait',
      '--wait-for-jobs',
      '--timeout',
      '3m',
    );

    // The release's objects as Helm sent them, as plain JSON (kubectl reads them without the server)
    const rendered = await renderedObjects(
      (await helm('get', 'manifest', RELEASE, '--namespace', namespace)).stdout,
      `chart-${namespace}`,
    );
    const names = rendered.map(resourceName);
    expect(names).toEqual(
      expect.arrayContaining([
        `deployment.apps/${RELEASE}-api`,
        `deployment.apps/${RELEASE}-operator`,
        'deployment.apps/kiada',
        `statefulset.apps/${RELEASE}-mysql`,
        `service/${RELEASE}-api`,
        `role.rbac.authorization.k8s.io/${RELEASE}-api`,
        `role.rbac.authorization.k8s.io/${RELEASE}-operator`,
        'kiadaservicecount.hanyang.ac.kr/hanyang-kiada-autoscaler',
        `ingress.networking.k8s.io/${RELEASE}-api`,
        `httproute.gateway.networking.k8s.io/${RELEASE}-api`,
        `poddisruptionbudget.policy/${RELEASE}-api`,
        `poddisruptionbudget.policy/${RELEASE}-operator`,
        `networkpolicy.networking.k8s.io/${RELEASE}-api`,
        `networkpolicy.networking.k8s.io/${RELEASE}-operator`,
        `networkpolicy.networking.k8s.io/${RELEASE}-migrate`,
        `networkpolicy.networking.k8s.io/${RELEASE}-mysql`,
        `servicemonitor.monitoring.coreos.com/${RELEASE}-api`,
        `servicemonitor.monitoring.coreos.com/${RELEASE}-operator`,
        `prometheusrule.monitoring.coreos.com/${RELEASE}`,
        `configmap/${RELEASE}-dashboard`,
      ]),
    );

    const stored = await getJson<{ items: RenderedObject[] }>(namespace, ...names);
    expect(stored.items.map(resourceName).sort()).toEqual([...names].sort());
    for (const object of rendered) {
      const found = stored.items.find((item) => resourceName(item) === resourceName(object));
      // Every rendered field is there with its value: nothing rejected, pruned or rewritten.
      expect({ object: resourceName(object), stored: found }).toMatchObject({
        object: resourceName(object),
        stored: object,
      });
    }

    const resource = await getServiceCount(namespace, 'hanyang-kiada-autoscaler');
    expect(resource.spec).toMatchObject({
      owner: 'hanyang-university-graduation-37-team',
      kiadaServiceCount: 1,
      targetRef: { name: 'kiada' },
    });
    const kiada = await getJson<Deployment>(namespace, 'deployment', 'kiada');
    // The chart leaves replicas to the operator (the API server defaults an omitted field to 1).
    expect(kiada.spec.replicas).toBe(1);
    const api = await getJson<Deployment>(namespace, 'deployment', `${RELEASE}-api`);
    expect(api.status.readyReplicas).toBe(2);
    // Admitted with the PriorityClass: the pods carry its resolved priority.
    const pods = await getJson<{
      items: Array<{ spec: { priorityClassName?: string; priority?: number } }>;
    }>(namespace, 'pods', '--selector', 'app.kubernetes.io/component=api');
    expect(pods.items.map((pod) => [pod.spec.priorityClassName, pod.spec.priority])).toEqual([
      [PRIORITY_CLASS, 1000],
      [PRIORITY_CLASS, 1000],
    ]);
    // The disruption controller applies the api's budget to its 2 ready pods: one may go at a time.
    await waitFor(
      'the api PodDisruptionBudget to allow exactly 1 of 2 pods to be evicted',
      async () => {
        const pdb = await getJson<{
          status?: { expectedPods?: number; disruptionsAllowed?: number };
        }>(namespace, 'poddisruptionbudget', `${RELEASE}-api`);
        return pdb.status?.expectedPods === 2 && pdb.status?.disruptionsAllowed === 1;
      },
    );
    const history = (await helm('history', RELEASE, '--namespace', namespace, '--output', 'json'))
      .stdout;
    expect(JSON.parse(history)[0].status).toBe('deployed');
  }, 240_000);

  it('upgrades in place with changed values', async () => {
    await helm(
      'upgrade',
      RELEASE,
      CHART,
      '--namespace',
      namespace,
      '--reuse-values',
      '--set',
      'api.replicas=3',
      '--wait',
      '--wait-for-jobs',
      '--timeout',
      '3m',
    );
    await waitFor('3 api replicas', async () => {
      const api = await getJson<Deployment>(namespace, 'deployment', `${RELEASE}-api`);
      return api.status.readyReplicas === 3;
    });
  }, 240_000);

  it('uninstalls, leaving nothing but the CRDs (Helm never deletes crds/)', async () => {
    await helm('uninstall', RELEASE, '--namespace', namespace, '--wait', '--timeout', '2m');
    await waitFor(
      'no object of the release left',
      async () => (await releaseObjects(namespace)).length === 0,
      {
        timeoutMs: 60_000,
      },
    );
    expect(
      await kubectl('get', 'crd', 'kiadaservicecounts.hanyang.ac.kr', '--output', 'name'),
    ).toContain('kiadaservicecounts.hanyang.ac.kr');
  }, 180_000);
});
