import type { AppProcess } from '../support/app-process.js';
import { applyCrd, getServiceCount } from '../support/custom-resource.js';
import { kubeClients, kubectl } from '../support/kubernetes.js';
import { createNamespace, deleteNamespace } from '../support/namespaces.js';
import { startOperator } from '../support/operator-process.js';
import { installChartRbac, OPERATOR_LEASE_NAME } from '../support/rbac.js';
import { createTargetDeployment, deploymentReplicas } from '../support/target-deployment.js';
import { waitFor } from '../support/wait.js';

const LEASE = OPERATOR_LEASE_NAME;

describe('two operator processes elect one leader with a Lease', () => {
  let namespace: string;
  const operators: AppProcess[] = [];

  beforeAll(async () => {
    await applyCrd();
    namespace = await createNamespace('ksc-leader');
    await installChartRbac(namespace);
  });

  afterAll(async () => {
    await Promise.all(operators.map((operator) => operator.stop()));
    await deleteNamespace(namespace);
  });

  async function holder(): Promise<string | undefined> {
    const { coordination } = kubeClients();
    const lease = await coordination.readNamespacedLease({ name: LEASE, namespace });
    return lease.spec?.holderIdentity;
  }

  const replicas = () => deploymentReplicas(namespace);

  it('hands over to the other process when the leader dies, applying a change made meanwhile', async () => {
    await createTargetDeployment(namespace, 'kiada', 1);
    for (const identity of ['operator-a', 'operator-b']) {
      operators.push(await startOperator(namespace, { POD_NAME: identity }));
    }
    await kubectl(
      'apply',
      '--namespace',
      namespace,
      '-f',
      'test/k8s/fixtures/seed-kiadaservicecount.yaml',
    );
    const leader = await waitFor('a Lease holder', holder);
    expect(['operator-a', 'operator-b']).toContain(leader);
    await waitFor('Deployment kiada at 1 replica', async () => (await replicas()) === 1);

    // Only the leader reconciles: the follower logged no reconcile of the resource.
    const [leaderProcess, follower] =
      leader === 'operator-a' ? operators : [operators[1], operators[0]];
    expect(follower.output()).not.toMatch(/reconcil\w* .*hanyang-kiada-autoscaler/i);

    // The leader crashes (no clean lease release); a change is made during the hand-over.
    await leaderProcess.kill();
    await kubectl(
      'patch',
      'ksc',
      'hanyang-kiada-autoscaler',
      '--namespace',
      namespace,
      '--type=merge',
      '-p',
      '{"spec":{"kiadaServiceCount":2}}',
    );

    await waitFor(
      'the follower holding the Lease',
      async () => (await holder()) === (leader === 'operator-a' ? 'operator-b' : 'operator-a'),
      {
        timeoutMs: 20_000,
      },
    );
    await waitFor(
      'Deployment kiada at 2 replicas, applied by the new leader',
      async () => (await replicas()) === 2,
      {
        timeoutMs: 20_000,
      },
    );
    const resource = await waitFor('status written by the new leader', async () => {
      const current = await getServiceCount(namespace, 'hanyang-kiada-autoscaler');
      return current.status?.replicas === 2 ? current : undefined;
    });
    expect(resource.status?.observedGeneration).toBe(resource.metadata.generation);
  });

  it('on SIGTERM the leader releases the Lease, logs its shutdown and exits 0; the other takes over at once', async () => {
    await Promise.all(operators.splice(0).map((operator) => operator.stop()));
    // A long lease: without the release the other would wait out 30 s, not take over at once.
    const timings = {
      OPERATOR_LEASE_DURATION_SECONDS: '30',
      OPERATOR_RENEW_DEADLINE_SECONDS: '20',
      OPERATOR_RETRY_PERIOD_SECONDS: '1',
    };
    const first = await startOperator(namespace, { POD_NAME: 'operator-c', ...timings });
    operators.push(first);
    await waitFor('operator-c holding the Lease', async () => (await holder()) === 'operator-c', {
      timeoutMs: 20_000,
    });
    operators.push(await startOperator(namespace, { POD_NAME: 'operator-d', ...timings }));

    const stoppedAt = Date.now();
    await first.stop();
    expect(first.process.signalCode).toBeNull();
    expect(first.process.exitCode).toBe(0);
    // The log is written asynchronously: the lines logged during shutdown are still there.
    const messages = first
      .output()
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => (JSON.parse(line) as { msg?: string }).msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        `operator-c released lease ${namespace}/${LEASE}`,
        'operator-c stopped leading: stopping',
      ]),
    );

    await waitFor('operator-d holding the Lease', async () => (await holder()) === 'operator-d', {
      timeoutMs: 20_000,
    });
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
  });
});
