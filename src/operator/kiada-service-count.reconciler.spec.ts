import { Test } from '@nestjs/testing';
import { register } from 'prom-client';
import { Clock } from '../common/clock.js';
import { FakeClock, flushPromises } from '../common/testing/fake-clock.js';
import { InformerFactory } from '../kubernetes/informer/informer.factory.js';
import { KubernetesApiError } from '../kubernetes/kubernetes-api.error.js';
import {
  DECISION,
  formatDecisionStamp,
  PAUSED,
  PAUSED_REPLICAS,
  PAUSED_UNTIL,
  formatPolicyVerdict,
  POLICY,
  policyDigest,
  SIGNAL_AT,
} from '../kubernetes/service-count-annotations.js';
import type { PolicySpec } from '../kubernetes/kiada-service-count.js';
import { InMemoryKubernetes } from '../kubernetes/testing/in-memory-kubernetes.js';
import { inMemoryKubernetesProviders } from '../kubernetes/testing/kubernetes-testing.js';
import { KiadaServiceCountReconciler } from './kiada-service-count.reconciler.js';
import { OperatorCache } from './operator-cache.js';
import { OperatorMetrics } from './operator.metrics.js';

const NS = 'default';
const NAME = 'hanyang-kiada-autoscaler';
const WRITES = ['scaleDeployment', 'patchServiceCountStatus', 'recordEvent'] as const;

describe(KiadaServiceCountReconciler.name, () => {
  let sut: KiadaServiceCountReconciler;
  let kube: InMemoryKubernetes;
  let cache: OperatorCache;
  let clock: FakeClock;

  const putResource = (
    kiadaServiceCount: number,
    targetName?: string,
    extra: {
      annotations?: Record<string, string>;
      fallback?: { staleAfterSeconds?: number; replicas?: number };
      name?: string;
      createdAt?: string;
    } = {},
  ) =>
    kube.putServiceCount({
      metadata: {
        name: extra.name ?? NAME,
        namespace: NS,
        ...(extra.annotations ? { annotations: extra.annotations } : {}),
        ...(extra.createdAt ? { creationTimestamp: extra.createdAt } : {}),
      },
      spec: {
        owner: 'hanyang-university-graduation-37-team',
        kiadaServiceCount,
        ...(targetName ? { targetRef: { name: targetName } } : {}),
        ...(extra.fallback ? { fallback: extra.fallback } : {}),
      },
      status: kube.serviceCount(NS, extra.name ?? NAME)?.status,
    });
  const writes = () =>
    kube.calls.filter((call) => (WRITES as readonly string[]).includes(call.method));
  const status = (name = NAME) => kube.serviceCount(NS, name)?.status;
  const condition = (type: string, name = NAME) =>
    status(name)?.conditions?.find((item) => item.type === type);
  const eventReasons = () => kube.events.map((event) => event.reason);
  /** Lets the cache see what the fake holds (watch events arrive on a later turn), then reconciles. */
  const reconcile = async (name = NAME) => {
    await flushPromises();
    return sut.reconcile(NS, name);
  };
  const gauge = async (metric: string, name = NAME) =>
    (await register.getSingleMetric(metric)?.get())?.values.find(
      (value) => value.labels.namespace === NS && value.labels.name === name,
    )?.value;

  beforeEach(async () => {
    kube = new InMemoryKubernetes();
    clock = new FakeClock(Date.parse('2026-12-01T09:00:00Z'));
    const moduleRef = await Test.createTestingModule({
      providers: [
        KiadaServiceCountReconciler,
        OperatorCache,
        InformerFactory,
        OperatorMetrics,
        ...inMemoryKubernetesProviders(kube),
        { provide: Clock, useValue: clock },
      ],
    }).compile();
    sut = moduleRef.get(KiadaServiceCountReconciler);
    cache = moduleRef.get(OperatorCache);
    const none = {};
    cache.start(
      NS,
      { KiadaServiceCount: none, Deployment: none, HorizontalPodAutoscaler: none },
      () => ({ resyncMs: 0, watchdogMs: 0, backoff: { initialMs: 1000, maxMs: 1000 } }),
    );
    await cache.whenSynced();
  });

  afterEach(() => cache.stop());

  it('scales the target up through the scale subresource and reports it in the status', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    putResource(3);
    await expect(reconcile()).resolves.toMatchObject({
      scaled: { from: 1, to: 3 },
      statusWritten: true,
    });
    expect(kube.callsOf('scaleDeployment')).toEqual([[NS, 'kiada', 3]]);
    expect(kube.deployment(NS, 'kiada')?.replicas).toBe(3);
    // The api's decision Event already tells this scale: two writes, no Event of its own.
    expect(kube.events).toEqual([]);
    expect(status()).toMatchObject({
      ready: false,
      desiredReplicas: 3,
      replicas: 3,
      observedGeneration: 1,
    });
    expect(status()?.lastScaleTime).toBeDefined();
    // The pods become ready in a later update of the Deployment; its reconcile reports it.
    await reconcile();
    expect(status()).toMatchObject({ ready: true, replicas: 3, readyReplicas: 3 });
  });

  it('scales the target down', async () => {
    kube.putDeployment(NS, 'kiada', 3);
    putResource(2);
    await expect(reconcile()).resolves.toMatchObject({ scaled: { from: 3, to: 2 } });
    expect(kube.deployment(NS, 'kiada')?.replicas).toBe(2);
  });

  it('scales the Deployment named by spec.targetRef', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    kube.putDeployment(NS, 'web', 1);
    putResource(2, 'web');
    await reconcile();
    expect(kube.callsOf('scaleDeployment')).toEqual([[NS, 'web', 2]]);
  });

  it('makes no write when nothing changed', async () => {
    kube.putDeployment(NS, 'kiada', 2);
    putResource(2);
    await reconcile();
    const before = writes().length;
    await expect(reconcile()).resolves.toEqual({
      found: true,
      targetFound: true,
      scaled: undefined,
      statusWritten: false,
      requeueAfterMs: undefined,
    });
    await reconcile();
    expect(writes()).toHaveLength(before);
    expect(kube.callsOf('scaleDeployment')).toEqual([]);
  });

  it('writes status once per change', async () => {
    kube.putDeployment(NS, 'kiada', 2);
    putResource(2);
    await reconcile();
    expect(kube.callsOf('patchServiceCountStatus')).toHaveLength(1);

    putResource(4);
    await reconcile(); // scaled: 4 replicas, 2 ready
    expect(kube.callsOf('patchServiceCountStatus')).toHaveLength(2);
    expect(status()).toMatchObject({ replicas: 4, readyReplicas: 2, observedGeneration: 2 });
    await reconcile(); // the new pods are ready by now
    await reconcile(); // nothing changed
    expect(kube.callsOf('patchServiceCountStatus')).toHaveLength(3);
    expect(status()).toMatchObject({ ready: true, readyReplicas: 4 });

    kube.putDeployment(NS, 'kiada', 4, 3); // a pod stops being ready
    await reconcile();
    await reconcile();
    expect(kube.callsOf('patchServiceCountStatus')).toHaveLength(4);
    expect(status()).toMatchObject({ ready: false, readyReplicas: 3 });
  });

  it('reports a missing target with a condition and one Warning event, then recovers when it appears', async () => {
    putResource(2);
    await expect(reconcile()).resolves.toMatchObject({ targetFound: false });
    expect(status()?.conditions).toEqual([
      expect.objectContaining({ type: 'Scaled', status: 'False', reason: 'TargetNotFound' }),
      expect.objectContaining({ type: 'Ready', status: 'False', reason: 'TargetNotFound' }),
      expect.objectContaining({ type: 'Paused', status: 'False', reason: 'NotPaused' }),
      expect.objectContaining({ type: 'SignalFresh', status: 'Unknown', reason: 'NoSignal' }),
      expect.objectContaining({
        type: 'PolicyValid',
        status: 'Unknown',
        reason: 'PolicyNotChecked',
      }),
    ]);
    expect(kube.events).toEqual([
      expect.objectContaining({ type: 'Warning', reason: 'TargetNotFound' }),
    ]);

    await reconcile();
    expect(kube.events).toHaveLength(1);
    expect(kube.callsOf('patchServiceCountStatus')).toHaveLength(1);

    kube.putDeployment(NS, 'kiada', 1);
    await expect(reconcile()).resolves.toMatchObject({
      targetFound: true,
      scaled: { from: 1, to: 2 },
    });
    await reconcile(); // the pods are ready
    expect(status()).toMatchObject({ ready: true, replicas: 2 });
    expect(
      status()
        ?.conditions?.slice(0, 2)
        .map((item) => item.status),
    ).toEqual(['True', 'True']);
  });

  it('corrects drift of the target replicas', async () => {
    kube.putDeployment(NS, 'kiada', 2);
    putResource(2);
    await reconcile();
    kube.putDeployment(NS, 'kiada', 7); // kubectl scale deployment kiada --replicas=7
    await expect(reconcile()).resolves.toMatchObject({ scaled: { from: 7, to: 2 } });
    expect(kube.deployment(NS, 'kiada')?.replicas).toBe(2);
  });

  it('rejects with the API error so the queue retries (409, 500), and succeeds on the next attempt', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    putResource(3);
    kube.failNext('scaleDeployment', 409);
    await expect(reconcile()).rejects.toMatchObject({ statusCode: 409 });
    kube.failNext('patchServiceCountStatus', 500);
    await expect(reconcile()).rejects.toBeInstanceOf(KubernetesApiError);
    await expect(reconcile()).resolves.toMatchObject({ statusWritten: true });
    expect(kube.deployment(NS, 'kiada')?.replicas).toBe(3);
  });

  it('does not fail when an Event cannot be recorded', async () => {
    kube.putDeployment(NS, 'kiada', 1);
    putResource(2);
    kube.failNext('recordEvent', 403);
    await expect(reconcile()).resolves.toMatchObject({
      scaled: { from: 1, to: 2 },
      statusWritten: true,
    });
  });

  it('does nothing for a resource that is gone', async () => {
    await expect(reconcile()).resolves.toEqual({ found: false });
    expect(writes()).toEqual([]);
  });

  describe('pause', () => {
    it('holds the Deployment while paused, shows the would-be value, and resumes when unpaused', async () => {
      kube.putDeployment(NS, 'kiada', 2);
      putResource(2, undefined, { annotations: { [PAUSED]: 'true' } });
      await reconcile();
      putResource(3, undefined, { annotations: { [PAUSED]: 'true' } });
      await expect(reconcile()).resolves.toMatchObject({ scaled: undefined });
      expect(kube.callsOf('scaleDeployment')).toEqual([]);
      expect(status()).toMatchObject({ desiredReplicas: 3, replicas: 2 });
      expect(condition('Paused')).toMatchObject({
        status: 'True',
        reason: 'PausedByAnnotation',
        message: 'Deployment "kiada" held at 2 replicas; the autoscaler asks for 3',
      });
      expect(await gauge('kiada_operator_paused')).toBe(1);
      expect(eventReasons()).toEqual(['PauseStarted']);

      putResource(3);
      await expect(reconcile()).resolves.toMatchObject({ scaled: { from: 2, to: 3 } });
      expect(condition('Paused')).toMatchObject({ status: 'False', reason: 'NotPaused' });
      expect(eventReasons()).toEqual(['PauseStarted', 'PauseEnded']);
      expect(kube.events.at(-1)?.message).toBe(
        'The pause annotations were removed: autoscaling again; Scaled Deployment "kiada" from 2 to 3 replicas',
      );
      expect(await gauge('kiada_operator_paused')).toBe(0);
    });

    it('paused-replicas sets N and holds it', async () => {
      kube.putDeployment(NS, 'kiada', 2);
      putResource(2, undefined, { annotations: { [PAUSED_REPLICAS]: '5' } });
      await expect(reconcile()).resolves.toMatchObject({ scaled: { from: 2, to: 5 } });
      putResource(9, undefined, { annotations: { [PAUSED_REPLICAS]: '5' } });
      await reconcile();
      expect(kube.callsOf('scaleDeployment')).toEqual([[NS, 'kiada', 5]]);
      expect(condition('Paused')).toMatchObject({ status: 'True', reason: 'PausedAtReplicas' });
      expect(kube.events.find((event) => event.reason === 'Scaled')?.message).toBe(
        'Scaled Deployment "kiada" from 2 to 5 replicas (paused-replicas)',
      );
    });

    it('paused-until ends the pause by itself at that time', async () => {
      kube.putDeployment(NS, 'kiada', 2);
      const until = new Date(clock.now() + 60_000).toISOString();
      putResource(4, undefined, { annotations: { [PAUSED]: 'true', [PAUSED_UNTIL]: until } });
      await expect(reconcile()).resolves.toMatchObject({
        scaled: undefined,
        requeueAfterMs: 60_000,
      });
      await clock.advance(60_000);
      await expect(reconcile()).resolves.toMatchObject({ scaled: { from: 2, to: 4 } });
      expect(condition('Paused')).toMatchObject({
        status: 'False',
        reason: 'PauseExpired',
        message: `The pause ended at ${until} (paused-until)`,
      });
      expect(eventReasons()).toEqual(['PauseStarted', 'PauseEnded']);
    });

    it('an invalid value gives one Warning Event and changes nothing', async () => {
      kube.putDeployment(NS, 'kiada', 2);
      putResource(3, undefined, { annotations: { [PAUSED]: 'true', [PAUSED_UNTIL]: 'tomorrow' } });
      await expect(reconcile()).resolves.toMatchObject({ scaled: { from: 2, to: 3 } });
      await reconcile();
      expect(condition('Paused')).toMatchObject({ status: 'False', reason: 'InvalidAnnotation' });
      expect(kube.events.filter((event) => event.type === 'Warning')).toEqual([
        expect.objectContaining({
          reason: 'InvalidAnnotation',
          message:
            'autoscaling.hanyang.ac.kr/paused-until is "tomorrow", expected an RFC 3339 time such as 2026-12-01T09:00:00Z: the pause annotations are ignored',
        }),
      ]);
    });
  });

  describe('fallback', () => {
    const signalAt = (time: number) => ({ [SIGNAL_AT]: new Date(time).toISOString() });

    it('never scales down on a stale signal, scales up to fallback.replicas, and recovers', async () => {
      kube.putDeployment(NS, 'kiada', 3);
      const fallback = { staleAfterSeconds: 30, replicas: 4 };
      putResource(3, undefined, { annotations: signalAt(clock.now()), fallback });
      await expect(reconcile()).resolves.toMatchObject({ requeueAfterMs: 30_000 });
      expect(condition('SignalFresh')).toMatchObject({ status: 'True', reason: 'SignalFresh' });

      await clock.advance(30_000); // the api went quiet (its database is down)
      putResource(2, undefined, { annotations: signalAt(clock.now() - 30_000), fallback });
      await expect(reconcile()).resolves.toMatchObject({ scaled: { from: 3, to: 4 } });
      expect(condition('SignalFresh')).toMatchObject({ status: 'False', reason: 'SignalStale' });
      expect(await gauge('kiada_operator_signal_fresh')).toBe(0);
      expect(kube.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'Fallback' });

      putResource(2, undefined, { annotations: signalAt(clock.now()), fallback }); // back
      await expect(reconcile()).resolves.toMatchObject({ scaled: { from: 4, to: 2 } });
      expect(condition('SignalFresh')).toMatchObject({ status: 'True' });
      expect(eventReasons()).toEqual(['Fallback', 'SignalRestored']);
      expect(kube.events.at(-1)?.message).toBe(
        'The api\'s signal is back: autoscaling as asked; Scaled Deployment "kiada" from 4 to 2 replicas',
      );
    });

    it('without fallback.replicas holds the current replicas', async () => {
      kube.putDeployment(NS, 'kiada', 3);
      putResource(1, undefined, { annotations: signalAt(clock.now() - 200_000) });
      await expect(reconcile()).resolves.toMatchObject({ scaled: undefined });
      expect(kube.deployment(NS, 'kiada')?.replicas).toBe(3);
      expect(condition('SignalFresh')?.message).toContain('(stale after 120 s): not scaling down');
    });

    it('is not armed until an api has written the signal', async () => {
      kube.putDeployment(NS, 'kiada', 3);
      putResource(1);
      await expect(reconcile()).resolves.toMatchObject({ scaled: { from: 3, to: 1 } });
      expect(condition('SignalFresh')).toMatchObject({ status: 'Unknown', reason: 'NoSignal' });
    });
  });

  describe('policy', () => {
    /** spec.policy and the api's verdict on `checked` (the annotation it writes). */
    const putPolicy = (policy: PolicySpec, verdict: { checked: PolicySpec; message?: string }) =>
      kube.putServiceCount({
        metadata: {
          name: NAME,
          namespace: NS,
          annotations: {
            [POLICY]: formatPolicyVerdict({
              checked: policyDigest(verdict.checked),
              valid: verdict.message === undefined,
              ...(verdict.message !== undefined ? { message: verdict.message } : {}),
              source: 'resource',
              applied: { minReplicas: 2 },
            }),
          },
        },
        spec: { kiadaServiceCount: 2, policy },
        status: kube.serviceCount(NS, NAME)?.status,
      });

    it("reports the api's verdict: PolicyValid=False with its message and one Warning, True once fixed", async () => {
      kube.putDeployment(NS, 'kiada', 2);
      const bad = { schedules: [] as PolicySpec['schedules'], minReplicas: 9 };
      const message =
        'spec.policy.schedules[0].timeZone "Mars/Olympus" is not an IANA time zone name (such as Asia/Seoul, Europe/Berlin or UTC). The api keeps the last valid spec.policy until this is fixed';
      putPolicy(bad, { checked: bad, message });
      await reconcile();
      expect(condition('PolicyValid')).toMatchObject({
        status: 'False',
        reason: 'InvalidPolicy',
        message,
      });
      expect(status()?.policySource).toBe('resource');
      await reconcile();
      expect(kube.events.filter((event) => event.reason === 'InvalidPolicy')).toEqual([
        expect.objectContaining({ type: 'Warning', message }),
      ]);

      putPolicy({ minReplicas: 2 }, { checked: { minReplicas: 2 } });
      await reconcile();
      expect(condition('PolicyValid')).toMatchObject({ status: 'True', reason: 'PolicyApplied' });
      expect(eventReasons().filter((reason) => reason === 'InvalidPolicy')).toHaveLength(1);
    });

    it('says Unknown while no api has checked the current spec.policy', async () => {
      kube.putDeployment(NS, 'kiada', 2);
      putPolicy({ minReplicas: 3 }, { checked: { minReplicas: 2 } });
      await reconcile();
      expect(condition('PolicyValid')).toMatchObject({
        status: 'Unknown',
        reason: 'PolicyNotChecked',
        message: 'No api has checked this spec.policy yet',
      });
    });
  });

  describe('one owner per Deployment', () => {
    it('lets the oldest resource scale it; a younger one gets TargetClaimed and writes nothing to it', async () => {
      kube.putDeployment(NS, 'kiada', 1);
      putResource(2, undefined, { name: 'older', createdAt: '2026-01-01T00:00:00Z' });
      putResource(5, undefined, { name: 'younger', createdAt: '2026-06-01T00:00:00Z' });
      await reconcile('younger');
      await reconcile('younger');
      expect(kube.callsOf('scaleDeployment')).toEqual([]);
      expect(condition('Scaled', 'younger')).toMatchObject({
        status: 'False',
        reason: 'TargetClaimed',
        message:
          'Deployment "kiada" is scaled by KiadaServiceCount "older" (the oldest that targets it): this one writes nothing',
      });
      expect(kube.events.map((event) => [event.type, event.reason])).toEqual([
        ['Warning', 'TargetClaimed'],
      ]);
      await expect(reconcile('older')).resolves.toMatchObject({ scaled: { from: 1, to: 2 } });
    });

    it('leaves a Deployment with a HorizontalPodAutoscaler alone', async () => {
      kube.putDeployment(NS, 'kiada', 1);
      kube.putHorizontalPodAutoscaler(NS, 'kiada-hpa', 'kiada');
      putResource(4);
      await reconcile();
      expect(kube.callsOf('scaleDeployment')).toEqual([]);
      expect(condition('Scaled')).toMatchObject({ reason: 'HorizontalPodAutoscalerPresent' });
      kube.deleteHorizontalPodAutoscaler(NS, 'kiada-hpa');
      await expect(reconcile()).resolves.toMatchObject({ scaled: { from: 1, to: 4 } });
    });
  });

  it("measures the reaction from the api's decision to the scale", async () => {
    const count = async () =>
      (await register.getSingleMetric('kiada_operator_reaction_seconds')?.get())?.values.find(
        (value) =>
          (value as { metricName?: string }).metricName === 'kiada_operator_reaction_seconds_count',
      )?.value ?? 0;
    const before = await count();
    kube.putDeployment(NS, 'kiada', 2);
    const stamp = { reason: 'TierMatched', replicas: 3, recommended: 3, at: clock.now() };
    await clock.advance(40);
    putResource(3, undefined, { annotations: { [DECISION]: formatDecisionStamp(stamp) } });
    await reconcile();
    expect(await count()).toBe(before + 1);
  });
});
