import { FakeClock } from '../common/testing/fake-clock.js';
import { decide, repeats, sameDecision, traceOf } from './decision.js';
import type { UsersForecast } from './rules/scaling-rule.js';
import { applyRules } from './rules/scaling-rules.js';
import { ScaleDownStabilizer } from './scale-down-stabilizer.js';
import { SEED_POLICY } from './rules/testing/rule-input.js';
import type { OpenSchedule } from './schedules/schedule-windows.js';

const WINDOW_S = 300;
const seed = SEED_POLICY;

describe('decide', () => {
  let clock: FakeClock;
  let stabilizer: ScaleDownStabilizer;
  let previous: number | null;

  beforeEach(() => {
    clock = new FakeClock(Date.parse('2026-12-01T09:00:00Z'));
    stabilizer = new ScaleDownStabilizer();
    previous = null;
  });

  /** One count through the rules, the window and the decision, as ScalingService does it. */
  const count = (
    activeUsers: number,
    policy = seed,
    paused = false,
    extra: {
      openSchedules?: OpenSchedule[];
      forecast?: UsersForecast;
      policyChanged?: 'resource';
    } = {},
  ) => {
    const now = clock.now();
    const windowMs = policy.stabilizationSeconds * 1000;
    const outcome = applyRules({
      at: now,
      activeUsers,
      policy,
      openSchedules: extra.openSchedules ?? [],
      forecast: extra.forecast ?? null,
      scaleDownWindow: (recommended) => stabilizer.preview(recommended, now, windowMs),
    });
    stabilizer.recommend(outcome.recommended, now, windowMs);
    const decision = decide({
      at: now,
      activeUsers,
      outcome,
      policy,
      previousReplicas: previous,
      paused,
      policyChanged: extra.policyChanged,
    });
    previous = decision.replicas;
    return decision;
  };

  it('tier: the matched tier and the bound crossed, in the words of the issue', () => {
    expect(count(999)).toMatchObject({
      reason: 'TierMatched',
      replicas: 2,
      message: '999 active users < 1,000: 2 replicas (first decision)',
    });
    expect(count(1000)).toMatchObject({
      reason: 'TierMatched',
      replicas: 3,
      previousReplicas: 2,
      message: '1,000 active users >= 1,000: 3 replicas (was 2)',
      recommendation: { rule: 'tier', index: 1, range: { fromUsers: 1000, belowUsers: 10000 } },
    });
  });

  it('step: past the last tier, one more replica per step', () => {
    count(29_999);
    expect(count(30_000)).toMatchObject({
      reason: 'StepAbove',
      replicas: 4,
      message: '30,000 active users >= 30,000: 4 replicas (was 3)',
      recommendation: { rule: 'step', index: 1, range: { fromUsers: 30_000, belowUsers: 50_000 } },
    });
  });

  it('min: a policy below the minimum is raised to it', () => {
    expect(count(10, { ...seed, minReplicas: 4 })).toMatchObject({
      reason: 'ClampedToMin',
      replicas: 4,
      message:
        '10 active users < 1,000: the policy gives 2, raised to the minimum 4 replicas (first decision)',
    });
  });

  it('max: a policy above the maximum is capped', () => {
    count(50_000, { ...seed, maxReplicas: 4 });
    expect(count(90_000, { ...seed, maxReplicas: 4 })).toMatchObject({
      reason: 'ClampedToMax',
      replicas: 4,
      recommendation: { policyReplicas: 7, clamp: 'max' },
    });
  });

  it('window: a fall is held until the window has passed, then applied', async () => {
    count(1500);
    await clock.advance(10_000);
    const held = count(900);
    const until = clock.now() + WINDOW_S * 1000;
    expect(held).toMatchObject({
      reason: 'ScaleDownHeld',
      replicas: 3,
      hold: { replicas: 3, until },
      recommendation: { replicas: 2 },
      message:
        '900 active users < 1,000: 2 replicas recommended, holding 3 until 09:05:10Z (scale-down window 300 s)',
    });
    await clock.advance(WINDOW_S * 1000);
    expect(count(900)).toMatchObject({
      reason: 'TierMatched',
      replicas: 2,
      message: '900 active users < 1,000: 2 replicas (was 3)',
    });
  });

  it('pause: the decision is made and written, and says the Deployment is held', () => {
    count(999);
    expect(count(1000, seed, true)).toMatchObject({
      reason: 'Paused',
      paused: true,
      replicas: 3,
      message:
        '1,000 active users >= 1,000: 3 replicas (was 2); paused, so the operator holds the Deployment',
    });
  });

  it('a count inside the same tier is the same decision; a hold or another tier is not', () => {
    const key = (d: ReturnType<typeof count>) => ({
      replicas: d.replicas,
      reason: d.reason,
      recommended: d.recommendation.replicas,
    });
    const first = key(count(1200));
    expect(sameDecision(first, key(count(1300)))).toBe(true);
    expect(sameDecision(first, key(count(900)))).toBe(false); // held: recommended 2
    expect(sameDecision(first, key(count(30_000)))).toBe(false);
  });

  it('schedule: an open window raises the answer to its minimum, saying which and until when', () => {
    count(500);
    const officeHours: OpenSchedule = {
      name: 'office-hours',
      minReplicas: 5,
      timeZone: 'Asia/Seoul',
      until: Date.parse('2026-12-01T09:00:00Z'), // 18:00 in Seoul
    };
    const decision = count(500, seed, false, { openSchedules: [officeHours] });
    expect(decision).toMatchObject({
      reason: 'ScheduleMinimum',
      replicas: 5,
      message:
        '500 active users < 1,000: 5 replicas, schedule office-hours min 5 until 18:00 Asia/Seoul (was 2)',
    });
    expect(traceOf(decision)).toBe(
      'tier 1 -> 2; schedule office-hours min 5 until 18:00 Asia/Seoul; -> 5',
    );
  });

  it('forecast: the users expected ahead get their replicas, and the decision says the numbers', () => {
    count(9_000);
    const forecast: UsersForecast = {
      expectedUsers: 10_400,
      usersPerMinute: 700,
      lookaheadSeconds: 120,
      windowSeconds: 300,
    };
    const decision = count(9_000, { ...seed, stepUsers: 200 }, false, { forecast });
    expect(decision.reason).toBe('Forecast');
    expect(decision.replicas).toBe(5); // 10,400 users: 3 + floor(400 / 200)
    expect(traceOf(decision)).toBe(
      'tier 2 -> 3; forecast 5 (10,400 users expected in 120 s at +700/min over 300 s); -> 5',
    );
  });

  it("the issue's trace: tier, forecast, schedule, in the order the rules apply", () => {
    const forecast: UsersForecast = {
      expectedUsers: 10_400,
      usersPerMinute: 200,
      lookaheadSeconds: 120,
      windowSeconds: 300,
    };
    const officeHours: OpenSchedule = {
      name: 'office-hours',
      minReplicas: 5,
      timeZone: 'Asia/Seoul',
      until: Date.parse('2026-12-01T09:00:00Z'),
    };
    const policy = { ...seed, stepUsers: 400 };
    const decision = count(9_900, policy, false, { forecast, openSchedules: [officeHours] });
    expect(decision.steps.map((step) => step.rule)).toEqual(['tier', 'forecast', 'schedule']);
    expect(traceOf(decision)).toBe(
      'tier 2 -> 3; forecast 4 (10,400 users expected in 120 s at +200/min over 300 s); schedule office-hours min 5 until 18:00 Asia/Seoul; -> 5',
    );
  });

  it('a policy change is its own reason, with the rules that gave the answer', () => {
    count(500);
    expect(count(500, seed, false, { policyChanged: 'resource' })).toMatchObject({
      reason: 'PolicyChanged',
      replicas: 2,
      message: 'Policy changed (spec.policy): 500 active users < 1,000: 2 replicas (was 2)',
      steps: [expect.objectContaining({ rule: 'tier', reason: 'TierMatched', replicas: 2 })],
    });
  });

  it('after a policy change, the same answer from the same rule is no new decision; another is', () => {
    count(500);
    const changed = count(500, { ...seed, minReplicas: 4 }, false, { policyChanged: 'resource' });
    expect(changed).toMatchObject({ reason: 'PolicyChanged', ruleReason: 'ClampedToMin' });
    expect(repeats(changed, count(600, { ...seed, minReplicas: 4 }))).toBe(true);
    expect(repeats(changed, count(600, { ...seed, minReplicas: 5 }))).toBe(false);
  });
});
