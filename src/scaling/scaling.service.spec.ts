import { Logger } from '@nestjs/common';
import {
  DECISION,
  PAUSED,
  parseDecisionStamp,
  SIGNAL_AT,
} from '../kubernetes/service-count-annotations.js';
import { DECISION_REASONS } from './decision-reasons.js';
import { ScalingController } from './scaling.controller.js';
import { SEED_TIMEOUT_MS } from './scaling.service.js';
import { scalingHarness } from './testing/scaling-harness.js';

describe('ScalingService', () => {
  let h: ReturnType<typeof scalingHarness>;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));
  beforeEach(() => {
    h = scalingHarness();
  });
  afterEach(() => h.shutDown());

  const putResource = (kiadaServiceCount: number, annotations?: Record<string, string>) =>
    h.kube.putServiceCount({
      metadata: { name: h.name, namespace: h.namespace, ...(annotations ? { annotations } : {}) },
      spec: { owner: 'x', kiadaServiceCount },
      status: h.resource()?.status,
    });
  const reasons = () => h.decisions.rows.map((row) => row.reason);

  it('counts at start and creates the missing resource with the policy value and its decision', async () => {
    h.source.count = 500;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
    expect(h.source.calls).toEqual(['recount']);
    expect(h.stored()).toBe(2);
    expect(parseDecisionStamp(h.resource()?.metadata.annotations)).toMatchObject({
      reason: 'TierMatched',
      replicas: 2,
    });
    expect(h.resource()?.metadata.annotations?.[SIGNAL_AT]).toBe(
      new Date(h.clock.now()).toISOString(),
    );
    expect(h.service.state).toMatchObject({
      activeUsers: 500,
      desiredReplicas: 2,
      resource: {
        namespace: 'default',
        name: 'hanyang-kiada-autoscaler',
        lastWrittenReplicas: 2,
        lastError: null,
      },
    });
    expect(reasons()).toEqual(['TierMatched']);
  });

  it('scales up at once on crossing a tier and down only after the stabilization window, recording each decision', async () => {
    h.source.count = 999;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);

    h.source.count = 1000;
    h.login();
    await h.clock.advance(0); // the first event after a quiet spell is counted at once
    expect(h.patches()).toEqual([{ kiadaServiceCount: 3 }]);

    await h.clock.advance(50);
    h.source.count = 999;
    h.login();
    await h.clock.advance(0);
    expect(h.service.state).toMatchObject({
      activeUsers: 999,
      recommendedReplicas: 2,
      desiredReplicas: 3,
    });
    // The hold is a decision too, written with the same replicas.
    expect(h.patches()).toEqual([{ kiadaServiceCount: 3 }, { kiadaServiceCount: 3 }]);

    await h.clock.advance(300_000 - 1);
    expect(h.stored()).toBe(3);
    await h.clock.advance(1);
    expect(h.stored()).toBe(2);
    expect(h.service.state.desiredReplicas).toBe(2);
    expect(reasons()).toEqual(['TierMatched', 'TierMatched', 'ScaleDownHeld', 'TierMatched']);
    expect(h.decisions.rows[1].message).toBe('1,000 active users >= 1,000: 3 replicas (was 2)');
    // Each decision is an Event on the resource, with its reason code.
    expect(h.kube.events.map((event) => event.reason)).toEqual(reasons());
  });

  it('does not write or record a new count that decides nothing new', async () => {
    h.source.count = 1200;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
    const writes =
      h.kube.callsOf('patchServiceCountSpec').length + h.kube.callsOf('createServiceCount').length;
    h.source.count = 1300;
    h.login();
    await h.clock.advance(50);
    expect(
      h.kube.callsOf('patchServiceCountSpec').length + h.kube.callsOf('createServiceCount').length,
    ).toBe(writes);
    expect(reasons()).toEqual(['TierMatched']);
  });

  it('holds the value the resource had at start-up for a full window before scaling down', async () => {
    putResource(3);
    h.source.count = 500;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
    expect(h.service.state).toMatchObject({ recommendedReplicas: 2, desiredReplicas: 3 });
    await h.clock.advance(300_000);
    expect(h.stored()).toBe(2);
  });

  it('starts after at most SEED_TIMEOUT_MS when the API does not answer', async () => {
    const list = h.kube.list.bind(h.kube);
    let calls = 0;
    h.kube.list = ((...args: Parameters<typeof list>) =>
      ++calls === 1 ? new Promise(() => undefined) : list(...args)) as typeof list;
    h.source.count = 500;
    const started = h.service.onApplicationBootstrap();
    await h.clock.advance(SEED_TIMEOUT_MS - 1);
    expect(h.source.calls).toEqual([]);
    await h.clock.advance(1);
    await started;
    await h.clock.advance(0);
    expect(h.source.calls).toEqual(['recount']);
    expect(h.stored()).toBe(2);
  });

  it('starts at once when reading the resource fails', async () => {
    h.kube.failNext('list', 503);
    h.source.count = 500;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(200);
    expect(h.stored()).toBe(2);
  });

  it('keeps the higher value when users come back within the window', async () => {
    h.source.count = 1500;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
    h.source.count = 900;
    h.login();
    await h.clock.advance(200_000);
    h.source.count = 1100;
    h.login();
    await h.clock.advance(400_000);
    expect(h.kube.callsOf('createServiceCount')).toHaveLength(1);
    expect(h.stored()).toBe(3);
    expect(reasons()).toEqual(['TierMatched', 'ScaleDownHeld', 'TierMatched']);
  });

  it('corrects a value changed by hand at the next resync', async () => {
    h.source.count = 500;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
    putResource(9, h.resource()?.metadata.annotations);
    await h.clock.advance(0);
    expect(h.stored()).toBe(9);
    h.activeUsers.resync();
    await h.clock.advance(0);
    expect(h.stored()).toBe(2);
  });

  it('keeps writing the spec while paused, recording Paused decisions', async () => {
    putResource(2, { [PAUSED]: 'true' });
    h.source.count = 999;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
    h.source.count = 1000;
    h.login();
    await h.clock.advance(50);
    expect(h.stored()).toBe(3);
    expect(h.decisions.rows.at(-1)).toMatchObject({ reason: 'Paused', paused: true, replicas: 3 });
  });

  it('records and writes a decision whose reason changes while its replicas stay the same', async () => {
    h.source.count = 1500;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
    // A pause at the current count: the next count decides the same replicas, paused.
    const resource = h.resource()!;
    h.kube.putServiceCount({
      ...resource,
      metadata: {
        ...resource.metadata,
        annotations: { ...resource.metadata.annotations, [PAUSED]: 'true' },
      },
    });
    await h.clock.advance(0);
    h.login();
    await h.clock.advance(50);
    expect(parseDecisionStamp(h.resource()?.metadata.annotations)).toMatchObject({
      reason: 'Paused',
      replicas: 3,
    });
    expect(h.patches()).toEqual([{ kiadaServiceCount: 3 }]);
    await h.recorder.idle();
    expect(h.decisions.rows.map((row) => `${row.reason} ${row.replicas}`)).toEqual([
      'TierMatched 3',
      'Paused 3',
    ]);
    expect(h.kube.events.map((event) => event.reason)).toEqual(['TierMatched', 'Paused']);
  });

  it('records and writes a policy change that keeps the replicas as a new decision', async () => {
    h.source.count = 1500;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
    const resource = h.resource()!;
    h.kube.putServiceCount({
      ...resource,
      spec: { ...resource.spec, policy: { maxReplicas: 50 } },
    });
    await h.clock.advance(0);
    expect(h.patches()).toEqual([{ kiadaServiceCount: 3 }]);
    expect(parseDecisionStamp(h.resource()?.metadata.annotations)?.reason).toBe('PolicyChanged');
    await h.recorder.idle();
    expect(h.decisions.rows.map((row) => `${row.reason} ${row.replicas}`)).toEqual([
      'TierMatched 3',
      'PolicyChanged 3',
    ]);
  });

  it('decides nothing new while the count fails, even when the window ends', async () => {
    h.source.count = 1500;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
    h.source.count = 900;
    h.login();
    await h.clock.advance(50); // held at 3 until the window ends
    h.source.failAll = new Error('database down');
    h.login();
    await h.clock.advance(60);
    await h.clock.advance(300_000);
    expect(h.stored()).toBe(3);
    const signalAt = h.resource()?.metadata.annotations?.[SIGNAL_AT];
    expect(Date.parse(signalAt!)).toBeLessThan(h.clock.now() - 290_000);
    // Counting works again: the window has long passed, so the fall applies at once.
    h.source.failAll = undefined;
    await h.clock.advance(30_000);
    expect(h.stored()).toBe(2);
  });

  it('records a pause and a fallback the operator reports, once each', async () => {
    h.source.count = 10;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
    const status = (pausedAt: string) => ({
      conditions: [
        {
          type: 'Paused',
          status: 'True' as const,
          reason: 'PausedByAnnotation',
          message: 'held at 2',
          lastTransitionTime: pausedAt,
        },
        {
          type: 'SignalFresh',
          status: 'False' as const,
          reason: 'SignalStale',
          message: 'stale',
          lastTransitionTime: pausedAt,
        },
      ],
    });
    const current = h.resource()!;
    h.kube.putServiceCount({ ...current, status: status('2026-12-01T09:01:00Z') });
    await h.clock.advance(0);
    h.kube.putServiceCount({ ...h.resource()!, status: status('2026-12-01T09:01:00Z') });
    await h.clock.advance(0);
    expect(reasons()).toEqual(['TierMatched', 'Paused', 'Fallback']);
    expect(h.decisions.rows[1]).toMatchObject({
      paused: true,
      message: 'Paused (operator): held at 2',
      dedupeKey: 'default/hanyang-kiada-autoscaler/Paused/2026-12-01T09:01:00Z',
    });
  });

  it('serves its state and the decision record through the controller', async () => {
    h.source.count = 12;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
    const controller = new ScalingController(h.service, h.decisions, h.timeline, h.clock);
    expect(controller.status()).toEqual({
      activeUsers: 12,
      recommendedReplicas: 2,
      desiredReplicas: 2,
      lastDecision: expect.objectContaining({
        id: null,
        reason: 'TierMatched',
        message: '12 active users < 1,000: 2 replicas (first decision)',
      }),
      policy: {
        source: 'environment',
        invalid: null,
        tiers: [
          { belowUsers: 1000, replicas: 2 },
          { belowUsers: 10000, replicas: 3 },
        ],
        stepUsers: 20000,
        minReplicas: 2,
        maxReplicas: 100,
        stabilizationSeconds: 300,
        schedules: [],
        forecast: null,
      },
      openSchedules: [],
      reasons: DECISION_REASONS,
      resource: {
        namespace: 'default',
        name: 'hanyang-kiada-autoscaler',
        lastWrittenReplicas: 2,
        lastWriteAt: new Date(h.clock.now()).toISOString(),
        observedReplicas: 2,
        lastError: null,
      },
    });
    await h.recorder.idle();
    await expect(controller.list({ limit: 10 })).resolves.toEqual({
      items: [
        expect.objectContaining({ id: 1, reason: 'TierMatched', replicas: 2, activeUsers: 12 }),
      ],
      nextBefore: null,
    });
    expect(h.resource()?.metadata.annotations?.[DECISION]).toBeDefined();
  });

  it('stops counting, writing and re-evaluating on shutdown', async () => {
    h.source.count = 1000;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
    h.source.count = 0;
    h.login();
    await h.clock.advance(50);
    await h.shutDown();
    expect(h.clock.pendingTimers).toBe(0);
    const writes = h.kube.callsOf('patchServiceCountSpec').length;
    h.login();
    await h.clock.advance(600_000);
    expect(h.kube.callsOf('patchServiceCountSpec')).toHaveLength(writes);
  });
});
