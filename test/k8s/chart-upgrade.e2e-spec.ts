import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { applyCrd, getServiceCount, patchServiceCount } from '../support/custom-resource.js';
import { isNotFound, kubeClients, kubectl } from '../support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const RELEASE = 'kiada-autoscaler';
const CHART = 'helm/kiada-autoscaler';
/** What chart 0.1.0 installed that its upgrade depends on (its CRD in crds/, the instance). */
const CHART_0_1_0 = 'test/k8s/fixtures/chart-0.1.0';
const CRD = 'kiadaservicecounts.hanyang.ac.kr';
const helm = (...args: string[]) =>
  run('helm', args, { env: process.env, maxBuffer: 16 * 1024 * 1024 });
/** Why `helm ...` failed (its stderr). */
const helmFails = (...args: string[]) =>
  helm(...args).then(
    () => {
      throw new Error(`helm ${args.join(' ')} succeeded, but it was expected to fail`);
    },
    (error: { stderr?: string }) => String(error.stderr),
  );

interface Crd {
  metadata: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    versions: Array<{
      schema: {
        openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } };
      };
    }>;
  };
}
const crd = async () => JSON.parse(await kubectl('get', 'crd', CRD, '--output', 'json')) as Crd;
const specFields = async () =>
  Object.keys((await crd()).spec.versions[0].schema.openAPIV3Schema.properties.spec.properties);

/**
 * `helm upgrade` from chart 0.1.0, whose CRD sat in crds/ (installed once, never upgraded by
 * Helm, owned by no release), delivers the new schema: the chart now renders the CRD as a
 * template, which Helm takes over once (`--take-ownership`) and upgrades from then on.
 */
describe('helm upgrade from chart 0.1.0 delivers the new CRD schema', () => {
  let namespace: string;

  beforeAll(async () => {
    // The cluster as chart 0.1.0 leaves it: its CRD, created by Helm from crds/, no newer one.
    const { extensions } = kubeClients();
    await extensions.deleteCustomResourceDefinition({ name: CRD }).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
    await waitFor(`CRD ${CRD} deleted`, () =>
      extensions.readCustomResourceDefinition({ name: CRD }).then(() => false, isNotFound),
    );
    namespace = await createNamespace('ksc-upgrade');
    await helm('install', RELEASE, CHART_0_1_0, '--namespace', namespace, '--wait');
  }, 120_000);

  afterAll(async () => {
    await helm('uninstall', RELEASE, '--namespace', namespace).catch(() => undefined);
    if (namespace) await deleteNamespace(namespace);
    await applyCrd(); // the CRD as the other suites expect it
  });

  it('starts from the 0.1.0 CRD: no spec.policy, owned by no release', async () => {
    expect(await specFields()).not.toContain('policy');
    expect((await crd()).metadata.annotations?.['meta.helm.sh/release-name']).toBeUndefined();
    // The api had decided 3 replicas: the upgrade must keep what the resource holds.
    await patchServiceCount(namespace, 'hanyang-kiada-autoscaler', {
      spec: { kiadaServiceCount: 3 },
    });
  });

  it('a plain helm upgrade names the CRD Helm must take over, and changes nothing', async () => {
    const stderr = await helmFails('upgrade', RELEASE, CHART, '--namespace', namespace);
    expect(stderr).toContain(
      `CustomResourceDefinition "${CRD}" in namespace "" exists and cannot be imported into the current release`,
    );
    expect(await specFields()).not.toContain('policy');
  }, 120_000);

  it('helm upgrade --take-ownership delivers the schema with spec.policy and its CEL rules, keeping the resource', async () => {
    await helm(
      'upgrade',
      RELEASE,
      CHART,
      '--namespace',
      namespace,
      '--take-ownership',
      '--wait',
      '--wait-for-jobs',
      '--timeout',
      '3m',
    );
    expect(await specFields()).toEqual(
      expect.arrayContaining(['owner', 'kiadaServiceCount', 'targetRef', 'fallback', 'policy']),
    );
    expect((await crd()).metadata).toMatchObject({
      labels: { 'app.kubernetes.io/managed-by': 'Helm' },
      annotations: {
        'helm.sh/resource-policy': 'keep',
        'meta.helm.sh/release-name': RELEASE,
        'meta.helm.sh/release-namespace': namespace,
      },
    });
    expect(
      (await getServiceCount(namespace, 'hanyang-kiada-autoscaler')).spec.kiadaServiceCount,
    ).toBe(3);
    // The new schema is in force: a policy is stored, a bad one refused by its CEL rule.
    await patchServiceCount(namespace, 'hanyang-kiada-autoscaler', {
      spec: { policy: { minReplicas: 2 } },
    });
    expect((await getServiceCount(namespace, 'hanyang-kiada-autoscaler')).spec.policy).toEqual({
      minReplicas: 2,
    });
    const refused = await patchServiceCount(namespace, 'hanyang-kiada-autoscaler', {
      spec: { policy: { minReplicas: 5, maxReplicas: 4 } },
    }).then(
      () => '',
      (error: { stderr?: string }) => String(error.stderr),
    );
    expect(refused).toContain('minReplicas must not be greater than maxReplicas');
  }, 240_000);

  it('later upgrades need no flag, and carry serviceCount.policy into the resource', async () => {
    await helm(
      'upgrade',
      RELEASE,
      CHART,
      '--namespace',
      namespace,
      '--reuse-values',
      '--set',
      'serviceCount.policy.maxReplicas=8',
      '--wait',
      '--timeout',
      '3m',
    );
    expect(
      (await getServiceCount(namespace, 'hanyang-kiada-autoscaler')).spec.policy,
    ).toMatchObject({
      maxReplicas: 8,
    });
  }, 240_000);

  it('helm uninstall keeps the CRD', async () => {
    await helm('uninstall', RELEASE, '--namespace', namespace, '--wait', '--timeout', '2m');
    expect(await specFields()).toContain('policy');
  }, 180_000);
});
