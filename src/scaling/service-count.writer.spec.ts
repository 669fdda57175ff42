import { Logger } from '@nestjs/common';
import { loadConfig } from '../config/index.js';
import {
  DECISION,
  parseDecisionStamp,
  SIGNAL_AT,
} from '../kubernetes/service-count-annotations.js';
import { decide, type Decision } from './decision.js';
import { environmentPolicy } from './policy/scaling-policy.js';
import { rulesForCount } from './rules/scaling-rules.js';
import { scalingHarness } from './testing/scaling-harness.js';

const POLICY = environmentPolicy(loadConfig({}).scaling);

describe('ServiceCountWriter', () => {
  let h: ReturnType<typeof scalingHarness>;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));
  beforeEach(() => {
    h = scalingHarness({ SCALING_NAMESPACE: 'apps', SCALING_RESOURCE_OWNER: 'team-37' });
    h.view.start();
  });
  afterEach(() => h.shutDown());

  /** The decision for `users` active users, as ScalingService makes it (no window). */
  const decision = (users: number, previous: number | null = null): Decision =>
    decide({
      at: h.clock.now(),
      activeUsers: users,
      outcome: rulesForCount(users, POLICY),
      policy: POLICY,
      previousReplicas: previous,
      paused: false,
    });
  const putResource = (replicas: number, annotations?: Record<string, string>) =>
    h.kube.putServiceCount({
      metadata: { name: h.name, namespace: 'apps', ...(annotations ? { annotations } : {}) },
      spec: { owner: 'team-37', kiadaServiceCount: replicas },
    });
  /** Lets the view see the fake's objects (watch events arrive on a later turn). */
  const settle = () => h.clock.advance(0);
  const recorded = async () => {
    await h.recorder.idle();
    return h.decisions.rows.map((row) => `${row.reason} ${row.replicas}`);
  };

  it('creates the missing resource with the decision and the signal, and records the decision once', async () => {
    h.writer.refreshSignal(h.clock.now());
    h.writer.desire(decision(500));
    await settle();
    expect(h.kube.callsOf('createServiceCount')).toEqual([
      [
        expect.objectContaining({
          metadata: expect.objectContaining({ name: h.name, namespace: 'apps' }),
          spec: { owner: 'team-37', kiadaServiceCount: 2, targetRef: { name: 'kiada' } },
        }),
      ],
    ]);
    expect(parseDecisionStamp(h.resource()?.metadata.annotations)).toMatchObject({
      reason: 'TierMatched',
      replicas: 2,
    });
    expect(h.resource()?.metadata.annotations?.[SIGNAL_AT]).toBe(
      new Date(h.clock.now()).toISOString(),
    );
    await expect(recorded()).resolves.toEqual(['TierMatched 2']);
    expect(h.kube.events.map((event) => [event.reason, event.message])).toEqual([
      ['TierMatched', '500 active users < 1,000: 2 replicas (first decision)'],
    ]);
    expect(h.writer.state).toMatchObject({
      lastWrittenReplicas: 2,
      observedReplicas: 2,
      lastError: null,
    });
  });

  it('writes nothing, and records nothing, when the resource already holds the decision', async () => {
    h.writer.desire(decision(500));
    await settle();
    const other = scalingHarness({ SCALING_NAMESPACE: 'apps' });
    other.kube.putServiceCount(h.resource()!); // another api replica, same decision
    other.view.start();
    await other.clock.advance(0);
    other.writer.desire(decision(600));
    await other.clock.advance(0);
    expect(other.kube.callsOf('patchServiceCountSpec')).toEqual([]);
    await expect(other.recorder.idle()).resolves.toBeUndefined();
    expect(other.decisions.rows).toEqual([]);
    await other.shutDown();
  });

  it('patches a change without reading first, preconditioned on what it compared with', async () => {
    putResource(2);
    await settle();
    const seen = h.resource()!.metadata.resourceVersion;
    h.writer.desire(decision(1000, 2));
    await settle();
    expect(h.kube.callsOf('getServiceCount')).toEqual([]);
    expect(h.kube.callsOf('patchServiceCountSpec')).toEqual([
      [
        'apps',
        h.name,
        { kiadaServiceCount: 3 },
        { annotations: { [DECISION]: expect.any(String) }, resourceVersion: seen },
      ],
    ]);
    expect(h.stored()).toBe(3);
    await expect(recorded()).resolves.toEqual(['TierMatched 3']);
  });

  it('on a conflict reads again: records nothing when another replica made the same decision', async () => {
    putResource(2);
    await settle();
    const crossing = decision(1000, 2);
    // Another replica writes the same decision after this one's view saw version 2.
    const getServiceCount = h.kube.getServiceCount.bind(h.kube);
    h.kube.failNext('patchServiceCountSpec', 409);
    h.kube.getServiceCount = async (namespace, name) => {
      const current = (await getServiceCount(namespace, name))!;
      return h.kube.putServiceCount({
        ...current,
        metadata: {
          ...current.metadata,
          annotations: {
            [DECISION]: JSON.stringify({
              reason: 'TierMatched',
              replicas: 3,
              recommended: 3,
              at: new Date(crossing.at).toISOString(),
            }),
          },
        },
        spec: { ...current.spec, kiadaServiceCount: 3 },
      });
    };
    h.writer.desire(crossing);
    await settle();
    expect(h.kube.callsOf('patchServiceCountSpec')).toHaveLength(1);
    expect(h.stored()).toBe(3);
    await expect(recorded()).resolves.toEqual([]);
    expect(h.writer.state.lastError).toBeNull();
  });

  it("writes a decision that meets a conflict (the operator's status write) right after reading again", async () => {
    putResource(2);
    await settle();
    // The operator writes the status; the api's view has not seen that version yet.
    await h.kube.patchServiceCountStatus('apps', h.name, { replicas: 2, readyReplicas: 2 });
    h.writer.desire(decision(1000, 2));
    await h.writer.idle(); // no time passes: no backoff, no resync
    expect(h.kube.callsOf('patchServiceCountSpec')).toHaveLength(2); // a 409, then the write
    expect(h.kube.callsOf('getServiceCount')).toHaveLength(1);
    expect(h.stored()).toBe(3);
    expect(h.resource()?.status).toMatchObject({ replicas: 2, readyReplicas: 2 });
    await expect(recorded()).resolves.toEqual(['TierMatched 3']);
    expect(h.writer.state.lastError).toBeNull();
  });

  it('writes over a different decision another replica wrote meanwhile, right after reading again', async () => {
    putResource(2);
    await settle();
    const current = h.resource()!;
    h.kube.putServiceCount({ ...current, spec: { ...current.spec, kiadaServiceCount: 4 } });
    h.writer.desire(decision(1000, 2));
    await h.writer.idle();
    expect(h.kube.callsOf('patchServiceCountSpec')).toHaveLength(2);
    expect(h.stored()).toBe(3);
    await expect(recorded()).resolves.toEqual(['TierMatched 3']);
  });

  it('does not create the resource when creation is off, and retries until it appears', async () => {
    await h.shutDown();
    h = scalingHarness({ SCALING_NAMESPACE: 'apps', SCALING_CREATE_RESOURCE: 'false' });
    h.view.start();
    h.writer.desire(decision(1000));
    await settle();
    expect(h.kube.callsOf('createServiceCount')).toEqual([]);
    expect(h.writer.state.lastError).toMatchObject({ statusCode: 404, failedAttempts: 1 });
    putResource(2);
    await h.clock.advance(200);
    expect(h.stored()).toBe(3);
    expect(h.writer.state.lastError).toBeNull();
  });

  it('survives an API outage with capped backoff and writes only the latest decision when it recovers', async () => {
    putResource(2);
    await settle();
    h.kube.failNext('patchServiceCountSpec', 0, 12);
    h.writer.desire(decision(1000, 2));
    expect(h.writer.state.lastError).toBeNull(); // desire() returned before any call failed
    await settle();
    expect(h.writer.state.lastError).toMatchObject({ statusCode: 0, failedAttempts: 1 });

    // Attempts at +200, +400, +800 ... ms, never more than 30 s apart.
    const attempts = () => h.kube.callsOf('patchServiceCountSpec').length;
    const attemptTimes: number[] = [];
    const start = h.clock.now();
    for (let i = 0; i < 11; i++) {
      const before = attempts();
      for (let waited = 0; attempts() === before; waited += 100) {
        expect(waited).toBeLessThanOrEqual(30_000);
        await h.clock.advance(100);
      }
      attemptTimes.push(h.clock.now() - start);
      if (i === 3) h.writer.desire(decision(30_000, 2));
      if (i === 6) h.writer.desire(decision(10_000, 2)); // supersedes, still waiting for the API
    }
    expect(attemptTimes.slice(0, 4)).toEqual([200, 600, 1400, 3000]);
    expect(attemptTimes[10] - attemptTimes[9]).toBe(30_000);
    expect(h.writer.state.lastError).toMatchObject({ statusCode: 0, failedAttempts: 12 });
    expect(h.stored()).toBe(2);

    await h.clock.advance(30_000);
    expect(h.stored()).toBe(3);
    expect(h.writer.state).toMatchObject({ lastWrittenReplicas: 3, lastError: null });
    await expect(recorded()).resolves.toEqual(['StepAbove 3']);
    await h.clock.advance(60_000);
    expect(h.kube.callsOf('patchServiceCountSpec')).toHaveLength(13);
  });

  it('never throws to the caller, even when every call fails', async () => {
    h.kube.failNext('getServiceCount', 500, 3);
    expect(() => h.writer.desire(decision(500))).not.toThrow();
    await h.clock.advance(10_000);
    expect(h.stored()).toBe(2);
  });

  it('writes the newest decision after a write that was in flight when it changed', async () => {
    putResource(2);
    await settle();
    h.writer.desire(decision(1000, 2));
    h.writer.desire(decision(30_000, 2));
    h.writer.desire(decision(50_000, 2));
    await h.writer.idle();
    await settle();
    expect(h.kube.callsOf('patchServiceCountSpec').map(([, , spec]) => spec)).toEqual([
      { kiadaServiceCount: 3 },
      { kiadaServiceCount: 5 },
    ]);
    expect(h.stored()).toBe(5);
  });

  it('refreshes the signal annotation only when it has aged', async () => {
    putResource(2);
    await settle();
    const start = h.clock.now();
    h.writer.refreshSignal(start);
    await settle();
    expect(h.kube.callsOf('annotateServiceCount')).toEqual([
      ['apps', h.name, { [SIGNAL_AT]: new Date(start).toISOString() }],
    ]);
    await h.clock.advance(14_999);
    h.writer.refreshSignal(h.clock.now());
    await settle();
    expect(h.kube.callsOf('annotateServiceCount')).toHaveLength(1);
    await h.clock.advance(1);
    h.writer.refreshSignal(h.clock.now());
    await settle();
    expect(h.kube.callsOf('annotateServiceCount')).toHaveLength(2);
  });

  it('stops retrying once stopped', async () => {
    h.kube.failNext('getServiceCount', 0, 100);
    h.writer.desire(decision(500));
    await settle();
    h.writer.stop();
    await h.clock.advance(60_000);
    expect(h.kube.callsOf('getServiceCount')).toHaveLength(1);
  });
});
