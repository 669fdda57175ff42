import type { ScalingPolicyConfig } from '../config/index.js';
import { FakeClock } from '../common/testing/fake-clock.js';
import { decide, sameDecision } from './decision.js';
import { ScaleDownStabilizer } from './scale-down-stabilizer.js';
import { recommend } from './scaling-policy.js';

const seed: ScalingPolicyConfig = {
  tiers: [
    { belowUsers: 1000, replicas: 2 },
    { belowUsers: 10000, replicas: 3 },
  ],
  stepUsers: 20000,
  minReplicas: 2,
  maxReplicas: 100,
};
const WINDOW_S = 300;

describe('decide', () => {
  let clock: FakeClock;
  let stabilizer: ScaleDownStabilizer;
  let previous: number | null;

  beforeEach(() => {
    clock = new FakeClock(Date.parse('2026-12-01T09:00:00Z'));
    stabilizer = new ScaleDownStabilizer(WINDOW_S * 1000);
    previous = null;
  });

  /** One count through the policy, the window and the decision, as ScalingService does it. */
  const count = (activeUsers: number, policy = seed, paused = false) => {
    const recommendation = recommend(activeUsers, policy);
    const now = clock.now();
    const stabilized = stabilizer.recommend(recommendation.replicas, now);
    const decision = decide({
      at: now,
      recommendation,
      stabilized,
      holdUntil: stabilizer.nextChangeAt(now),
      windowSeconds: WINDOW_S,
      previousReplicas: previous,
      paused,
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
});
