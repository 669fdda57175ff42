import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { register } from 'prom-client';
import type { AppConfig } from '../config/index.js';
import { KubernetesApiError } from '../kubernetes/kubernetes-api.error.js';
import { InMemoryKubernetes } from '../kubernetes/testing/in-memory-kubernetes.js';
import { inMemoryKubernetesProviders } from '../kubernetes/testing/kubernetes-testing.js';
import { Clock } from '../common/clock.js';
import { InformerFactory } from '../kubernetes/informer/informer.factory.js';
import { KiadaServiceCountReconciler } from './kiada-service-count.reconciler.js';
import { OperatorCache } from './operator-cache.js';
import { OperatorMetrics } from './operator.metrics.js';
import { OperatorService } from './operator.service.js';
import { FakeClock, flushPromises } from '../common/testing/fake-clock.js';

const NS = 'default';
const NAME = 'hanyang-kiada-autoscaler';

const operatorConfig = (overrides: Partial<AppConfig['operator']> = {}): AppConfig['operator'] => ({
  namespace: NS,
  leaderElection: false,
  leaseName: 'kiada-autoscaler-operator',
  leaseNamespace: NS,
  leaseDurationSeconds: 15,
  renewDeadlineSeconds: 10,
  retryPeriodSeconds: 2,
  resyncSeconds: 300,
  concurrency: 2,
  identity: 'operator-0',
  ...overrides,
});

describe(OperatorService.name, () => {
  let kube: InMemoryKubernetes;
  let clock: FakeClock;
  let services: OperatorService[];

  const boot = async (overrides: Partial<AppConfig['operator']> = {}) => {
    const moduleRef = await Test.createTestingModule({
      providers: [
        OperatorService,
        InformerFactory,
        OperatorCache,
        KiadaServiceCountReconciler,
        OperatorMetrics,
        ...inMemoryKubernetesProviders(kube),
        { provide: Clock, useValue: clock },
        {
          provide: ConfigService,
          useValue: new ConfigService({ operator: operatorConfig(overrides), kubernetes: {} }),
        },
      ],
    }).compile();
    const service = moduleRef.get(OperatorService);
    services.push(service);
    service.onApplicationBootstrap();
    await flushPromises();
    return service;
  };
  const putResource = (kiadaServiceCount: number) =>
    kube.putServiceCount({
      metadata: { name: NAME, namespace: NS },
      spec: { owner: 'hanyang-university-graduation-37-team', kiadaServiceCount },
      status: kube.serviceCount(NS, NAME)?.status,
    });
  const replicas = () => kube.deployment(NS, 'kiada')?.replicas;
  const metric = async (name: string) =>
    (await register.getSingleMetric(name)?.get())?.values.reduce(
      (sum, value) => sum + value.value,
      0,
    );

  beforeEach(() => {
    kube = new InMemoryKubernetes();
    clock = new FakeClock();
    services = [];
  });

  afterEach(async () => {
    await Promise.all(services.map((service) => service.onApplicationShutdown()));
    expect(kube.openWatches).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('reconciles existing and new resources into the Deployment', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    putResource(1);
    await boot();
    expect(kube.serviceCount(NS, NAME)?.status?.ready).toBe(true);

    putResource(3);
    await flushPromises();
    expect(replicas()).toBe(3);
    expect(kube.serviceCount(NS, NAME)?.status).toMatchObject({ ready: true, replicas: 3 });
    expect(await metric('kiada_operator_leader')).toBe(1);
    expect(await metric('kiada_operator_reconciles_total')).toBeGreaterThan(0);
  });

  it('undoes a manual change of the target replicas (drift)', async () => {
    kube.putDeployment(NS, 'kiada', 2);
    putResource(2);
    await boot();
    kube.putDeployment(NS, 'kiada', 7);
    await flushPromises();
    expect(replicas()).toBe(2);
  });

  it('brings readiness of the target into status', async () => {
    kube.putDeployment(NS, 'kiada', 2, 2);
    putResource(2);
    await boot();
    kube.putDeployment(NS, 'kiada', 2, 1);
    await flushPromises();
    expect(kube.serviceCount(NS, NAME)?.status).toMatchObject({ ready: false, readyReplicas: 1 });
  });

  it('reconciles a resource whose target was missing once the Deployment appears', async () => {
    putResource(2);
    await boot();
    expect(kube.serviceCount(NS, NAME)?.status?.conditions?.[0]).toMatchObject({
      reason: 'TargetNotFound',
    });
    expect(kube.events.map((event) => event.reason)).toEqual(['TargetNotFound']);

    kube.putDeployment(NS, 'kiada', 1);
    await flushPromises();
    expect(replicas()).toBe(2);
    expect(kube.serviceCount(NS, NAME)?.status).toMatchObject({ ready: true });
  });

  it.each([409, 500])('retries with backoff after a %i', async (statusCode) => {
    kube.putDeployment(NS, 'kiada', 1);
    putResource(1);
    await boot();
    kube.failNext('scaleDeployment', statusCode);
    putResource(3);
    await flushPromises();
    expect(replicas()).toBe(1);
    await clock.advance(1_000);
    expect(replicas()).toBe(3);
    expect(kube.callsOf('scaleDeployment')).toHaveLength(2);
  });

  it('recovers its watch after errors and 410 Gone and applies changes made meanwhile', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    putResource(1);
    await boot();
    kube.breakWatches(new Error('API server restarted'));
    putResource(4); // not seen: no watch is open
    await flushPromises();
    expect(replicas()).toBe(1);
    await clock.advance(1_000);
    // The fake replays nothing on re-watch, so the change arrives by the next resync at
    // the latest; a 410 makes the informer relist and see it at once.
    kube.breakWatches(new KubernetesApiError(410, 'too old resource version', 'Expired'));
    await clock.advance(0);
    expect(replicas()).toBe(4);
  });

  describe('with leader election', () => {
    it('lets only the leader reconcile, and hands over on shutdown', async () => {
      kube.putDeployment(NS, 'kiada', 1);
      putResource(1);
      const first = await boot({ leaderElection: true, identity: 'operator-0' });
      const second = await boot({ leaderElection: true, identity: 'operator-1' });
      await clock.advance(4_000);
      expect([first.isLeader, second.isLeader]).toEqual([true, false]);
      expect([first.active, second.active]).toEqual([true, false]);
      expect(kube.openWatches).toBe(3); // KiadaServiceCounts, Deployments, HPAs

      await first.onApplicationShutdown();
      expect(first.active).toBe(false);
      putResource(3); // changed during the hand-over
      await clock.advance(2_000);
      expect(second.isLeader).toBe(true);
      expect(replicas()).toBe(3);
      await expect(kube.getLease(NS, 'kiada-autoscaler-operator')).resolves.toMatchObject({
        holderIdentity: 'operator-1',
      });
    });

    it('stops reconciling when it loses the Lease', async () => {
      kube.putDeployment(NS, 'kiada', 1);
      putResource(1);
      const service = await boot({ leaderElection: true });
      expect(service.active).toBe(true);
      kube.failNext('getLease', 500, 10);
      await clock.advance(10_000);
      expect(service.active).toBe(false);
      expect(kube.openWatches).toBe(0);
      expect(await metric('kiada_operator_leader')).toBe(0);
      putResource(5);
      await flushPromises();
      expect(replicas()).toBe(1);
    });
  });
});
