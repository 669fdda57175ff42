import { Logger } from '@nestjs/common';
import { FakeClock } from '../../common/testing/fake-clock.js';
import { InMemoryKubernetes } from '../../kubernetes/testing/in-memory-kubernetes.js';
import { ScalingMetrics } from '../scaling.metrics.js';
import { DecisionRecorder } from './decision-recorder.service.js';
import type { NewScalingDecision } from './decision.repository.js';
import { InMemoryDecisionRepository } from './testing/in-memory-decision.repository.js';

const row = (
  at: number,
  reason = 'TierMatched',
  dedupeKey: string | null = null,
): NewScalingDecision => ({
  at,
  namespace: 'apps',
  name: 'r',
  reason,
  message: `${reason} at ${at}`,
  activeUsers: 1000,
  previousReplicas: 2,
  replicas: 3,
  recommendedReplicas: 3,
  rule: 'tier',
  ruleIndex: 1,
  steps: [{ rule: 'tier', reason: 'TierMatched', replicas: 3, note: 'tier 2 -> 3' }],
  clamp: null,
  holdReplicas: null,
  holdUntil: null,
  paused: false,
  fallback: false,
  dedupeKey,
});

describe(DecisionRecorder.name, () => {
  let clock: FakeClock;
  let repository: InMemoryDecisionRepository;
  let kube: InMemoryKubernetes;
  let recorder: DecisionRecorder;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));
  beforeEach(() => {
    clock = new FakeClock();
    repository = new InMemoryDecisionRepository();
    kube = new InMemoryKubernetes();
    recorder = new DecisionRecorder(repository, kube, new ScalingMetrics(), clock);
  });
  afterEach(() => recorder.onModuleDestroy());

  it('stores the row and records an Event about the resource with the reason code', async () => {
    recorder.record(row(1), { uid: 'u1' });
    await recorder.idle();
    expect(repository.rows).toEqual([expect.objectContaining({ id: 1, reason: 'TierMatched' })]);
    expect(kube.events).toEqual([
      expect.objectContaining({
        type: 'Normal',
        reason: 'TierMatched',
        message: 'TierMatched at 1',
        involvedObject: expect.objectContaining({
          kind: 'KiadaServiceCount',
          name: 'r',
          uid: 'u1',
        }),
      }),
    ]);
  });

  it('keeps decisions while the database is down and stores them in order when it is back', async () => {
    repository.failNext(3);
    recorder.record(row(1));
    recorder.record(row(2, 'ScaleDownHeld'));
    await recorder.idle();
    expect(repository.rows).toEqual([]);
    await clock.advance(1_000); // second failure
    await clock.advance(2_000); // third failure
    expect(repository.rows).toEqual([]);
    await clock.advance(4_000);
    expect(repository.rows.map((stored) => stored.at)).toEqual([1, 2]);
  });

  it('keeps one row per dedupe key, whoever records it', async () => {
    recorder.record(row(5, 'Paused', 'apps/r/Paused/t'));
    recorder.record(row(5, 'Paused', 'apps/r/Paused/t'));
    await recorder.idle();
    expect(repository.rows).toHaveLength(1);
    expect(kube.events).toEqual([]);
  });
});
