import type { KiadaServiceCount } from '../kubernetes/kiada-service-count.js';
import type { DeploymentState } from '../kubernetes/kubernetes.types.js';
import { desiredStatus, StatusInput, statusEquals } from './desired-status.js';
import { planReconcile } from './reconcile-plan.js';

const T0 = '2025-01-01T00:00:00.000Z';
const T1 = '2025-01-01T00:05:00.000Z';

const resource = (
  kiadaServiceCount: number,
  status?: KiadaServiceCount['status'],
): Pick<KiadaServiceCount, 'metadata' | 'spec' | 'status'> => ({
  metadata: { name: 'hanyang-kiada-autoscaler', namespace: 'default', generation: 2 },
  spec: { owner: 'team', kiadaServiceCount },
  status,
});

const deployment = (replicas: number, readyReplicas = replicas): DeploymentState => ({
  metadata: { name: 'kiada', namespace: 'default' },
  replicas,
  readyReplicas,
  observedGeneration: 1,
});

/** The status for a resource and its target, planned as the reconciler plans it. */
const build = (input: Omit<StatusInput, 'plan'>) =>
  desiredStatus({
    ...input,
    plan: planReconcile({
      resource: input.resource as KiadaServiceCount,
      deployment: input.deployment,
      claim: { owner: true },
      now: Date.parse(input.now),
    }),
  });

describe(desiredStatus.name, () => {
  it('is ready when every desired replica is ready', () => {
    const status = build({
      resource: resource(3),
      deployment: deployment(3),
      now: T0,
    });
    expect(status).toEqual({
      ready: true,
      desiredReplicas: 3,
      replicas: 3,
      readyReplicas: 3,
      observedGeneration: 2,
      conditions: [
        expect.objectContaining({
          type: 'Scaled',
          status: 'True',
          reason: 'ReplicasMatch',
          lastTransitionTime: T0,
          observedGeneration: 2,
        }),
        expect.objectContaining({
          type: 'Ready',
          status: 'True',
          reason: 'ReplicasReady',
          message: '3/3 replicas of Deployment "kiada" ready',
        }),
        expect.objectContaining({ type: 'Paused', status: 'False', reason: 'NotPaused' }),
        expect.objectContaining({ type: 'SignalFresh', status: 'Unknown', reason: 'NoSignal' }),
        expect.objectContaining({
          type: 'PolicyValid',
          status: 'Unknown',
          reason: 'PolicyNotChecked',
        }),
      ],
    });
  });

  it('is not ready while replicas are starting, and records the scale time', () => {
    const status = build({
      resource: resource(3),
      deployment: deployment(3, 1),
      scaledAt: T0,
      now: T0,
    });
    expect(status.ready).toBe(false);
    expect(status.lastScaleTime).toBe(T0);
    expect(status.conditions?.[1]).toMatchObject({
      status: 'False',
      reason: 'ReplicasNotReady',
      message: '1/3 replicas of Deployment "kiada" ready',
    });
  });

  it('reports a missing target on both conditions', () => {
    const status = build({
      resource: resource(1),
      deployment: null,
      now: T0,
    });
    expect(status).toMatchObject({ ready: false, replicas: 0, readyReplicas: 0 });
    expect(
      status.conditions?.map((condition) => [condition.type, condition.status, condition.reason]),
    ).toEqual([
      ['Scaled', 'False', 'TargetNotFound'],
      ['Ready', 'False', 'TargetNotFound'],
      ['Paused', 'False', 'NotPaused'],
      ['SignalFresh', 'Unknown', 'NoSignal'],
      ['PolicyValid', 'Unknown', 'PolicyNotChecked'],
    ]);
    expect(status.conditions?.[0].message).toBe(
      'Deployment "kiada" not found in namespace "default"',
    );
  });

  it('keeps lastTransitionTime while a condition keeps its status, so an unchanged world is an unchanged status', () => {
    const first = build({
      resource: resource(3),
      deployment: deployment(3, 2),
      scaledAt: T0,
      now: T0,
    });
    const again = build({
      resource: resource(3, first),
      deployment: deployment(3, 2),
      now: T1,
    });
    expect(statusEquals(first, again)).toBe(true);

    const readyLater = build({
      resource: resource(3, first),
      deployment: deployment(3),
      now: T1,
    });
    expect(statusEquals(first, readyLater)).toBe(false);
    expect(readyLater.conditions?.[0].lastTransitionTime).toBe(T0);
    expect(readyLater.conditions?.[1].lastTransitionTime).toBe(T1);
    expect(readyLater.lastScaleTime).toBe(T0);
  });
});

describe(statusEquals.name, () => {
  it('ignores key order and fields the next status does not set', () => {
    expect(
      statusEquals({ replicas: 1, ready: true, lastScaleTime: T0 }, { ready: true, replicas: 1 }),
    ).toBe(true);
    expect(statusEquals(undefined, { ready: false })).toBe(false);
    expect(statusEquals({ ready: true }, { ready: false })).toBe(false);
  });
});
