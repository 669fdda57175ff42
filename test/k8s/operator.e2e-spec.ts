import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { AppProcess } from '../support/app-process.js';
import { applyCrd, getServiceCount } from '../support/custom-resource.js';
import { kubeClients, kubectl, kubectlFails } from '../support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import { startOperator as startOperatorProcess } from '../support/operator-process.js';
import { installChartRbac } from '../support/rbac.js';
import {
  createTargetDeployment,
  deploymentReplicas,
  readyPods,
} from '../support/target-deployment.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const SEED_MANIFEST = 'test/k8s/fixtures/seed-kiadaservicecount.yaml';

/** The operator with the chart's ServiceAccount and Role in a fresh namespace. */
async function startOperator(namespace: string): Promise<AppProcess> {
  await installChartRbac(namespace);
  return startOperatorProcess(namespace);
}

async function eventsFor(namespace: string, name: string) {
  const { core } = kubeClients();
  const events = await core.listNamespacedEvent({
    namespace,
    fieldSelector: `involvedObject.name=${name}`,
  });
  return events.items;
}

describe('operator against a real API server', () => {
  let namespace: string;
  let operator: AppProcess | undefined;

  beforeAll(async () => {
    await applyCrd();
  });

  beforeEach(async () => {
    namespace = await createNamespace('ksc-operator');
  });

  afterEach(async () => {
    if (operator) {
      await operator.stop();
      operator = undefined;
    }
    await deleteNamespace(namespace);
  });

  it("reconciles the seed's own manifest: kiada scaled to 1 and the resource's status ready", async () => {
    await createTargetDeployment(namespace, 'kiada', 3);
    operator = await startOperator(namespace);
    await kubectl('apply', '--namespace', namespace, '-f', SEED_MANIFEST);

    await waitFor(
      'Deployment kiada at 1 replica',
      async () => (await deploymentReplicas(namespace)) === 1,
    );
    const resource = await waitFor('status.ready of hanyang-kiada-autoscaler', async () => {
      const current = await getServiceCount(namespace, 'hanyang-kiada-autoscaler');
      return current.status?.ready === true ? current : undefined;
    });
    expect(resource.spec).toEqual({
      owner: 'hanyang-university-graduation-37-team',
      kiadaServiceCount: 1,
    });
    expect(resource.status).toMatchObject({
      ready: true,
      replicas: 1,
      readyReplicas: 1,
      observedGeneration: resource.metadata.generation,
    });
    expect(resource.status?.conditions?.map((c) => [c.type, c.status])).toEqual(
      expect.arrayContaining([
        ['Scaled', 'True'],
        ['Ready', 'True'],
      ]),
    );
    expect(await readyPods(namespace)).toBe(1);
    // The reconcile logs the seed's fields.
    expect(operator.output()).toContain('hanyang-kiada-autoscaler');
    expect(operator.output()).toContain('hanyang-university-graduation-37-team');
    const printed = await kubectl('get', 'ksc', '--namespace', namespace);
    expect(printed).toMatch(/OWNER\s+DESIRED\s+REPLICAS\s+READY\s+PAUSED\s+SIGNAL\s+POLICY\s+AGE/);
    expect(printed).toMatch(
      /hanyang-kiada-autoscaler\s+hanyang-university-graduation-37-team\s+1\s+1\s+true\s+False\s+NoSignal/,
    );
  });

  it('undoes a manual kubectl scale of the target', async () => {
    await createTargetDeployment(namespace, 'kiada', 1);
    operator = await startOperator(namespace);
    await kubectl('apply', '--namespace', namespace, '-f', SEED_MANIFEST);
    await waitFor(
      'resource ready',
      async () => (await getServiceCount(namespace, 'hanyang-kiada-autoscaler')).status?.ready,
    );

    await kubectl('scale', 'deployment', 'kiada', '--replicas=7', '--namespace', namespace);

    await waitFor(
      'Deployment kiada back at 1 replica',
      async () => (await deploymentReplicas(namespace)) === 1,
    );
    await waitFor('one ready pod again', async () => (await readyPods(namespace)) === 1, {
      timeoutMs: 60_000,
    });
  });

  it('reports a missing target as a condition and an Event, then reconciles once it exists', async () => {
    operator = await startOperator(namespace);
    await kubectl('apply', '--namespace', namespace, '-f', SEED_MANIFEST);

    const reported = await waitFor('TargetNotFound condition', async () => {
      const current = await getServiceCount(namespace, 'hanyang-kiada-autoscaler');
      return current.status?.conditions?.find(
        (c) => c.type === 'Ready' && c.reason === 'TargetNotFound',
      )
        ? current
        : undefined;
    });
    expect(reported.status?.ready).toBe(false);
    const warning = await waitFor('a Warning Event about the missing Deployment', async () =>
      (await eventsFor(namespace, 'hanyang-kiada-autoscaler')).find((e) => e.type === 'Warning'),
    );
    expect(warning.message).toContain('kiada');

    await createTargetDeployment(namespace, 'kiada', 4);

    await waitFor(
      'Deployment kiada at 1 replica',
      async () => (await deploymentReplicas(namespace)) === 1,
    );
    await waitFor(
      'status ready after the Deployment appeared',
      async () => (await getServiceCount(namespace, 'hanyang-kiada-autoscaler')).status?.ready,
      { timeoutMs: 60_000 },
    );
    expect(operator.process.exitCode).toBeNull();
  });

  it('rejects invalid resources by the CRD schema', async () => {
    const invalid = (count: string) => `apiVersion: hanyang.ac.kr/v1
kind: KiadaServiceCount
metadata:
  name: invalid
  namespace: ${namespace}
spec:
  owner: someone
  kiadaServiceCount: ${count}
`;
    const write = async (manifest: string) => {
      const file = join(tmpdir(), `kiada-invalid-${namespace}.yaml`);
      writeFileSync(file, manifest);
      return kubectlFails('apply', '-f', file);
    };
    expect(await write(invalid('-1'))).toMatch(
      /kiadaServiceCount.*should be greater than or equal to 0/,
    );
    expect(await write(invalid('"three"'))).toMatch(
      /kiadaServiceCount.*must be of type integer|Invalid value: "string"/,
    );
    await expect(getServiceCount(namespace, 'invalid')).rejects.toMatchObject({ code: 404 });
  });

  const restartCommand = process.env.KIADA_CLUSTER_RESTART_APISERVER;
  // Restarting kube-apiserver needs the local control plane (kind's runs in a container).
  (restartCommand ? it : it.skip)(
    'recovers its watch after kube-apiserver restarts',
    async () => {
      await createTargetDeployment(namespace, 'kiada', 1);
      operator = await startOperator(namespace);
      await kubectl('apply', '--namespace', namespace, '-f', SEED_MANIFEST);
      await waitFor(
        'resource ready',
        async () => (await getServiceCount(namespace, 'hanyang-kiada-autoscaler')).status?.ready,
      );

      await run('bash', ['-c', restartCommand!], { env: process.env });
      await waitFor(
        'API server back',
        async () => (await kubectl('get', '--raw', '/readyz')).includes('ok'),
        { timeoutMs: 60_000 },
      );

      await kubectl(
        'patch',
        'ksc',
        'hanyang-kiada-autoscaler',
        '--namespace',
        namespace,
        '--type=merge',
        '-p',
        '{"spec":{"kiadaServiceCount":3}}',
      );
      await waitFor(
        'Deployment kiada at 3 replicas after the restart',
        async () => (await deploymentReplicas(namespace)) === 3,
        {
          timeoutMs: 60_000,
        },
      );
      await waitFor(
        'status ready at 3',
        async () => {
          const current = await getServiceCount(namespace, 'hanyang-kiada-autoscaler');
          return current.status?.ready && current.status.readyReplicas === 3;
        },
        { timeoutMs: 60_000 },
      );
    },
    180_000,
  );
});
