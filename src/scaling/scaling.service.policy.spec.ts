import { Logger } from '@nestjs/common';
import type { PolicySpec } from '../kubernetes/kiada-service-count.js';
import {
  parseDecisionStamp,
  parsePolicyVerdict,
  policyDigest,
} from '../kubernetes/service-count-annotations.js';
import { scalingHarness } from './testing/scaling-harness.js';

/** spec.policy in the resource the api watches, as `kubectl apply` changes it (unit level). */
describe('ScalingService with spec.policy', () => {
  let h: ReturnType<typeof scalingHarness>;

  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn']));
  beforeEach(() => {
    h = scalingHarness();
  });
  afterEach(() => h.shutDown());

  /** `kubectl apply` of spec.policy (undefined: removed), keeping what the api wrote. */
  const applyPolicy = async (policy: PolicySpec | undefined) => {
    const current = h.resource()!;
    h.kube.putServiceCount({ ...current, spec: { ...current.spec, policy } });
    await h.clock.advance(0);
  };
  const start = async (count: number) => {
    h.source.count = count;
    await h.service.onApplicationBootstrap();
    await h.clock.advance(0);
  };
  const decisions = async () => {
    await h.recorder.idle();
    return h.decisions.rows.map((row) => `${row.reason} ${row.replicas}`);
  };
  const verdict = () => parsePolicyVerdict(h.resource()?.metadata.annotations);

  it('applies a policy at once: a PolicyChanged decision, written and recorded, and the verdict for the operator', async () => {
    await start(500);
    await applyPolicy({ minReplicas: 4, scaleDown: { stabilizationSeconds: 0 } });
    expect(h.stored()).toBe(4);
    expect(parseDecisionStamp(h.resource()?.metadata.annotations)).toMatchObject({
      reason: 'PolicyChanged',
      replicas: 4,
    });
    await expect(decisions()).resolves.toEqual(['TierMatched 2', 'PolicyChanged 4']);
    expect(h.decisions.rows[1].message).toBe(
      'Policy changed (spec.policy): 500 active users < 1,000: the policy gives 2, raised to the minimum 4 replicas (was 2)',
    );
    expect(h.kube.events.map((event) => event.reason)).toEqual(['TierMatched', 'PolicyChanged']);
    expect(verdict()).toEqual({
      checked: policyDigest({ minReplicas: 4, scaleDown: { stabilizationSeconds: 0 } }),
      valid: true,
      source: 'resource',
      applied: { minReplicas: 4, scaleDown: { stabilizationSeconds: 0 } },
    });
    // Fields left out come from SCALING_*: the tiers, the step, the maximum.
    expect(h.service.state.policy).toMatchObject({
      source: 'resource',
      minReplicas: 4,
      maxReplicas: 100,
      stepUsers: 20000,
      stabilizationSeconds: 0,
    });
    // Back to the environment's policy: its 300 s scale-down window holds 4, then lets it fall.
    await applyPolicy(undefined);
    expect(h.service.state.policy.source).toBe('environment');
    expect(h.stored()).toBe(4);
    await h.recorder.idle();
    expect(h.decisions.rows.at(-1)?.message).toBe(
      'Policy changed (SCALING_* settings): 500 active users < 1,000: 2 replicas recommended, holding 4 until 09:05:00Z (scale-down window 300 s)',
    );
    await h.clock.advance(300_000);
    expect(h.stored()).toBe(2);
    // The resyncs in between decided what the change gave (the hold): no new decision.
    await expect(decisions()).resolves.toEqual([
      'TierMatched 2',
      'PolicyChanged 4',
      'PolicyChanged 4',
      'TierMatched 2',
    ]);
  });

  it('keeps the last valid policy when a new one is invalid, never any part of it, and reports why', async () => {
    await start(500);
    await applyPolicy({ minReplicas: 3 });
    expect(h.stored()).toBe(3);
    const bad: PolicySpec = {
      minReplicas: 6,
      schedules: [
        {
          name: 'office-hours',
          start: '0 8 * * 1-5',
          end: '0 18 * * 1-5',
          timeZone: 'Mars/Olympus',
          minReplicas: 5,
        },
      ],
    };
    await applyPolicy(bad);
    expect(h.stored()).toBe(3); // not 6: no part of the invalid policy
    expect(verdict()).toEqual({
      checked: policyDigest(bad),
      valid: false,
      message:
        'spec.policy.schedules[0].timeZone "Mars/Olympus" is not an IANA time zone name (such as Asia/Seoul, Europe/Berlin or UTC). The api keeps the last valid spec.policy until this is fixed',
      source: 'resource',
      applied: { minReplicas: 3 },
    });
    expect(h.service.state.policy).toMatchObject({ source: 'resource', minReplicas: 3 });
    expect(h.service.state.policy.invalid).toContain('schedules[0].timeZone');
    await expect(decisions()).resolves.toEqual(['TierMatched 2', 'PolicyChanged 3']);

    // Fixed: applied at once.
    await applyPolicy({ ...bad, schedules: [{ ...bad.schedules![0], timeZone: 'Asia/Seoul' }] });
    expect(h.stored()).toBe(6);
    expect(verdict()).toMatchObject({ valid: true, source: 'resource' });
  });

  it('a new api process keeps the last valid policy from the resource, not its own settings', async () => {
    await start(500);
    await applyPolicy({ minReplicas: 3 });
    await applyPolicy({ minReplicas: 3, forecast: { lookaheadSeconds: 0, windowSeconds: 60 } });
    const resource = h.resource()!;
    await h.shutDown();

    h = scalingHarness();
    h.kube.putServiceCount(resource);
    await start(500);
    expect(h.service.state.policy).toMatchObject({
      source: 'resource',
      minReplicas: 3,
      forecast: null,
    });
    expect(h.service.state.policy.invalid).toBe(
      'spec.policy.forecast.lookaheadSeconds must be an integer from 1 to 3600 (got 0). The api keeps the last valid spec.policy until this is fixed',
    );
    expect(h.stored()).toBe(3);
  });

  it('opens a schedule window on time with no auth event, raising the replicas, and closes it on time', async () => {
    // 09:00 UTC; the window opens at 09:01 and closes at 09:03 (Asia/Seoul: 18:01 to 18:03).
    await start(500);
    await applyPolicy({
      scaleDown: { stabilizationSeconds: 0 },
      schedules: [
        {
          name: 'launch',
          start: '1 18 * * *',
          end: '3 18 * * *',
          timeZone: 'Asia/Seoul',
          minReplicas: 5,
        },
      ],
    });
    expect(h.stored()).toBe(2);
    await h.clock.advance(60_000 - 1);
    expect(h.stored()).toBe(2);
    await h.clock.advance(1);
    expect(h.stored()).toBe(5);
    expect(h.service.state.openSchedules).toEqual([
      expect.objectContaining({ name: 'launch', until: Date.parse('2026-12-01T09:03:00Z') }),
    ]);
    await h.clock.advance(120_000);
    expect(h.stored()).toBe(2);
    await h.recorder.idle();
    const rows = h.decisions.rows.slice(-2);
    expect(rows.map((row) => [row.reason, row.replicas, new Date(row.at).toISOString()])).toEqual([
      ['ScheduleMinimum', 5, '2026-12-01T09:01:00.000Z'],
      ['TierMatched', 2, '2026-12-01T09:03:00.000Z'],
    ]);
    expect(rows[0].message).toBe(
      '500 active users < 1,000: 5 replicas, schedule launch min 5 until 18:03 Asia/Seoul (was 2)',
    );
    expect(rows[0].steps?.map((step) => step.rule)).toEqual(['tier', 'schedule']);
    // No polling: one timer, for the next boundary (tomorrow's 18:01 in Seoul).
    expect(h.service.state.openSchedules).toEqual([]);
  });

  it('scales up ahead of a login ramp with a forecast, and never down on one', async () => {
    await start(900);
    await applyPolicy({ forecast: { lookaheadSeconds: 60, windowSeconds: 60 } });
    // 2 new active users per second: 1,000 is 50 s away, within the 60 s lookahead.
    for (let second = 1; second <= 10; second++) {
      h.source.count = 900 + 2 * second;
      h.login();
      await h.clock.advance(1_000);
    }
    expect(h.source.count).toBe(920);
    expect(h.stored()).toBe(3); // 1,040 expected in 60 s: the next tier's replicas, now
    const forecast = h.decisions.rows.find((row) => row.reason === 'Forecast');
    expect(forecast?.message).toMatch(
      /^9\d\d active users < 1,000: 3 replicas, forecast 3 \(1,0\d\d users expected in 60 s at \+120\/min over 60 s\) \(was 2\)$/,
    );
    // The ramp stops: no forecast of more users, and the window holds the value.
    for (let second = 0; second < 70; second++) {
      h.login();
      await h.clock.advance(1_000);
    }
    expect(h.stored()).toBe(3);
    expect(parseDecisionStamp(h.resource()?.metadata.annotations)?.reason).toBe('ScaleDownHeld');
  });
});
