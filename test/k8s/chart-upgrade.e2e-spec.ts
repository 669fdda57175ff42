import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { runToEnd } from '../support/app-process.js';
import { applyCrd, getServiceCount, patchServiceCount } from '../support/custom-resource.js';
import { isNotFound, kubeClients, kubectl } from '../support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import {
  containerEnv,
  helmTemplate,
  renderedObject,
  renderedObjects,
  serviceAccountOf,
  type RenderedObject,
} from '../support/rendered-workloads.js';
import { withScratchFile } from '../support/scratch-file.js';
import { serviceAccountKubeconfig } from '../support/service-account.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const RELEASE = 'kiada-autoscaler';
const CHART = 'helm/kiada-autoscaler';
/** What chart 0.1.0 installed that its upgrade depends on (its CRD in crds/, the instance). */
const CHART_0_1_0 = 'test/k8s/fixtures/chart-0.1.0';
const CRD = 'kiadaservicecounts.hanyang.ac.kr';
const HOOK = 'templates/crd-upgrade-job.yaml';
const helm = (...args: string[]) =>
  run('helm', args, { env: process.env, maxBuffer: 16 * 1024 * 1024 });

interface Crd {
  metadata: { resourceVersion: string };
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
 * `helm upgrade` from chart 0.1.0, whose CRD came from crds/ (Helm creates crds/ at install
 * and never upgrades them), delivers the new schema: the chart's pre-upgrade hook Job runs
 * the image's `crds` role, which writes the CRD's spec as crds/ has it. The nodes here are
 * kwok's (a Job's pod completes without running), so the suite runs that Job's container as
 * a process, exactly as rendered: its environment, its mounted CRD, its ServiceAccount with
 * the hook's RBAC. On a node that runs containers the hook itself runs it
 * (test/node/chart.node-spec.ts).
 */
describe('helm upgrade from chart 0.1.0 delivers the new CRD schema', () => {
  let namespace: string;
  let hook: RenderedObject[];

  /** The hook's Job, run here as its pod would run it; resolves to what it printed. */
  const runHookJob = async () => {
    const job = renderedObject(hook, 'Job', `${RELEASE}-crds`);
    const configMap = renderedObject(hook, 'ConfigMap', `${RELEASE}-crds`) as RenderedObject & {
      data: Record<string, string>;
    };
    const env = await containerEnv(job, 'crds', { namespace, podName: `${RELEASE}-crds-e2e` });
    expect(env.CRD_MANIFEST_PATH).toBe('/etc/kiada-autoscaler/crds/crd.json');
    const kubeconfig = await serviceAccountKubeconfig(namespace, serviceAccountOf(job));
    // The ConfigMap's file, where the pod mounts it (CRD_MANIFEST_PATH points into the mount).
    const result = await withScratchFile('crd.json', configMap.data['crd.json'], (manifest) =>
      runToEnd({ ...env, CRD_MANIFEST_PATH: manifest, KUBECONFIG: kubeconfig, LOG_FORMAT: 'json' }),
    );
    if (result.exitCode !== 0) {
      throw new Error(`the crds Job exited ${result.exitCode}:\n${result.output.slice(-3000)}`);
    }
    return result.output;
  };

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
    hook = await renderedObjects(
      await helmTemplate(RELEASE, CHART, ['--namespace', namespace, '--show-only', HOOK]),
      `crd-hook-${namespace}`,
    );
  }, 120_000);

  afterAll(async () => {
    await helm('uninstall', RELEASE, '--namespace', namespace).catch(() => undefined);
    const name = `${RELEASE}-crds-${namespace}`;
    await kubectl('delete', 'clusterrolebinding,clusterrole', name, '--ignore-not-found');
    if (namespace) await deleteNamespace(namespace);
    await applyCrd(); // the CRD as the other suites expect it
  });

  it('starts from the 0.1.0 CRD: no spec.policy', async () => {
    expect(await specFields()).not.toContain('policy');
    // The api had decided 3 replicas: the upgrade must keep what the resource holds.
    await patchServiceCount(namespace, 'hanyang-kiada-autoscaler', {
      spec: { kiadaServiceCount: 3 },
    });
  });

  it('the pre-upgrade hook writes the new schema with its own RBAC (this CRD, get and patch), and a second run writes nothing', async () => {
    for (const object of hook.filter((o) => o.kind !== 'Job')) {
      expect(object.metadata.annotations?.['helm.sh/hook']).toBe('pre-upgrade');
    }
    // What Helm creates before the Job: the ServiceAccount, its ClusterRole and binding.
    const rbac = {
      apiVersion: 'v1',
      kind: 'List',
      items: hook.filter((o) => o.kind !== 'Job' && o.kind !== 'ConfigMap'),
    };
    await withScratchFile('rbac.json', JSON.stringify(rbac), (file) =>
      kubectl('apply', '--namespace', namespace, '-f', file),
    );

    const before = (await crd()).metadata.resourceVersion;
    expect(await runHookJob()).toContain(`${CRD}: schema of v1 applied`);
    expect(await specFields()).toEqual(
      expect.arrayContaining(['owner', 'kiadaServiceCount', 'targetRef', 'fallback', 'policy']),
    );
    const applied = (await crd()).metadata.resourceVersion;
    expect(applied).not.toBe(before);
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
    // Upgraded again: the same schema, no write.
    expect(await runHookJob()).toContain(`${CRD}: schema of v1 is up to date`);
    expect((await crd()).metadata.resourceVersion).toBe(applied);
  }, 120_000);

  it('helm upgrade needs no flag, keeps the resource, and carries serviceCount.policy into it', async () => {
    await helm('upgrade', RELEASE, CHART, '--namespace', namespace, '--wait', '--timeout', '3m');
    expect(
      (await getServiceCount(namespace, 'hanyang-kiada-autoscaler')).spec.kiadaServiceCount,
    ).toBe(3);
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
    ).toMatchObject({ maxReplicas: 8 });
  }, 240_000);

  it('helm uninstall keeps the CRD', async () => {
    await helm('uninstall', RELEASE, '--namespace', namespace, '--wait', '--timeout', '2m');
    expect(await specFields()).toContain('policy');
  }, 180_000);
});
