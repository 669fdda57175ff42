import { Test } from '@nestjs/testing';
import { KubernetesApiError } from '../kubernetes/kubernetes-api.error.js';
import { InMemoryKubernetes } from '../kubernetes/testing/in-memory-kubernetes.js';
import { inMemoryKubernetesProviders } from '../kubernetes/testing/kubernetes-testing.js';
import { Clock } from '../common/clock.js';
import { KiadaServiceCountReconciler } from './kiada-service-count.reconciler.js';
import { OperatorMetrics } from './operator.metrics.js';
import { FakeClock } from '../common/testing/fake-clock.js';

const NS = 'default';
const NAME = 'hanyang-kiada-autoscaler';
const WRITES = ['scaleDeployment', 'patchServiceCountStatus', 'recordEvent'] as const;

describe(KiadaServiceCountReconciler.name, () => {
  let sut: KiadaServiceCountReconciler;
  let kube: InMemoryKubernetes;

  const putResource = (kiadaServiceCount: number, targetName?: string) =>
    kube.putServiceCount({
      metadata: { name: NAME, namespace: NS },
      spec: {
        owner: 'hanyang-university-graduation-37-team',
        kiadaServiceCount,
        ...(targetName ? { targetRef: { name: targetName } } : {}),
      },
      status: kube.serviceCount(NS, NAME)?.status,
    });
  const writes = () =>
    kube.calls.filter((call) => (WRITES as readonly string[]).includes(call.method));
  const status = () => kube.serviceCount(NS, NAME)?.status;

  beforeEach(async () => {
    kube = new InMemoryKubernetes();
    const moduleRef = await Test.createTestingModule({
      providers: [
        KiadaServiceCountReconciler,
        OperatorMetrics,
        ...inMemoryKubernetesProviders(kube),
        { provide: Clock, useValue: new FakeClock() },
      ],
    }).compile();
    sut = moduleRef.get(KiadaServiceCountReconciler);
  });

  it('scales the target up through the scale subresource and reports it', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    putResource(3);
    await expect(sut.reconcile(NS, NAME)).resolves.toMatchObject({
      scaled: { from: 1, to: 3 },
      statusWritten: true,
    });
    expect(kube.callsOf('scaleDeployment')).toEqual([[NS, 'kiada', 3]]);
    expect(kube.deployment(NS, 'kiada')?.replicas).toBe(3);
    expect(kube.events).toEqual([
      expect.objectContaining({
        type: 'Normal',
        reason: 'Scaled',
        message: 'Scaled Deployment "kiada" from 1 to 3 replicas',
        involvedObject: expect.objectContaining({
          kind: 'KiadaServiceCount',
          name: NAME,
          namespace: NS,
        }),
      }),
    ]);
    expect(status()).toMatchObject({
      ready: true,
      replicas: 3,
      readyReplicas: 3,
      observedGeneration: 1,
    });
    expect(status()?.lastScaleTime).toBeDefined();
  });

  it('scales the target down', async () => {
    kube.putDeployment(NS, 'kiada', 3);
    putResource(2);
    await expect(sut.reconcile(NS, NAME)).resolves.toMatchObject({ scaled: { from: 3, to: 2 } });
    expect(kube.deployment(NS, 'kiada')?.replicas).toBe(2);
  });

  it('scales the Deployment named by spec.targetRef', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    kube.putDeployment(NS, 'web', 1);
    putResource(2, 'web');
    await sut.reconcile(NS, NAME);
    expect(kube.callsOf('scaleDeployment')).toEqual([[NS, 'web', 2]]);
  });

  it('makes no write when nothing changed', async () => {
    kube.putDeployment(NS, 'kiada', 2);
    putResource(2);
    await sut.reconcile(NS, NAME);
    const before = writes().length;
    await expect(sut.reconcile(NS, NAME)).resolves.toEqual({
      found: true,
      targetFound: true,
      scaled: undefined,
      statusWritten: false,
    });
    await sut.reconcile(NS, NAME);
    expect(writes()).toHaveLength(before);
    expect(kube.callsOf('scaleDeployment')).toEqual([]);
  });

  it('writes status once per change', async () => {
    kube.putDeployment(NS, 'kiada', 2);
    putResource(2);
    await sut.reconcile(NS, NAME);
    expect(kube.callsOf('patchServiceCountStatus')).toHaveLength(1);

    putResource(4);
    await sut.reconcile(NS, NAME);
    await sut.reconcile(NS, NAME);
    expect(kube.callsOf('patchServiceCountStatus')).toHaveLength(2);
    expect(status()).toMatchObject({ replicas: 4, observedGeneration: 2 });

    kube.putDeployment(NS, 'kiada', 4, 3); // a pod stops being ready
    await sut.reconcile(NS, NAME);
    await sut.reconcile(NS, NAME);
    expect(kube.callsOf('patchServiceCountStatus')).toHaveLength(3);
    expect(status()).toMatchObject({ ready: false, readyReplicas: 3 });
  });

  it('reports a missing target with a condition and one Warning event, then recovers when it appears', async () => {
    putResource(2);
    await expect(sut.reconcile(NS, NAME)).resolves.toMatchObject({ targetFound: false });
    expect(status()?.conditions).toEqual([
      expect.objectContaining({ type: 'Scaled', status: 'False', reason: 'TargetNotFound' }),
      expect.objectContaining({ type: 'Ready', status: 'False', reason: 'TargetNotFound' }),
    ]);
    expect(kube.events).toEqual([
      expect.objectContaining({ type: 'Warning', reason: 'TargetNotFound' }),
    ]);

    await sut.reconcile(NS, NAME);
    expect(kube.events).toHaveLength(1);
    expect(kube.callsOf('patchServiceCountStatus')).toHaveLength(1);

    kube.putDeployment(NS, 'kiada', 1);
    await expect(sut.reconcile(NS, NAME)).resolves.toMatchObject({
      targetFound: true,
      scaled: { from: 1, to: 2 },
    });
    expect(status()).toMatchObject({ ready: true, replicas: 2 });
    expect(status()?.conditions?.map((condition) => condition.status)).toEqual(['True', 'True']);
  });

  it('corrects drift of the target replicas', async () => {
    kube.putDeployment(NS, 'kiada', 2);
    putResource(2);
    await sut.reconcile(NS, NAME);
    kube.putDeployment(NS, 'kiada', 7); // kubectl scale deployment kiada --replicas=7
    await expect(sut.reconcile(NS, NAME)).resolves.toMatchObject({ scaled: { from: 7, to: 2 } });
    expect(kube.deployment(NS, 'kiada')?.replicas).toBe(2);
  });

  it('rejects with the API error so the queue retries (409, 500), and succeeds on the next attempt', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    putResource(3);
    kube.failNext('scaleDeployment', 409);
    await expect(sut.reconcile(NS, NAME)).rejects.toMatchObject({ statusCode: 409 });
    kube.failNext('patchServiceCountStatus', 500);
    await expect(sut.reconcile(NS, NAME)).rejects.toBeInstanceOf(KubernetesApiError);
    await expect(sut.reconcile(NS, NAME)).resolves.toMatchObject({ statusWritten: true });
    expect(kube.deployment(NS, 'kiada')?.replicas).toBe(3);
  });

  it('does not fail when an Event cannot be recorded', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    putResource(2);
    kube.failNext('recordEvent', 403);
    await expect(sut.reconcile(NS, NAME)).resolves.toMatchObject({
      scaled: { from: 1, to: 2 },
      statusWritten: true,
    });
  });

  it('does nothing for a resource that is gone', async () => {
    await expect(sut.reconcile(NS, NAME)).resolves.toEqual({ found: false });
    expect(writes()).toEqual([]);
  });
});
