import { stepRule } from './step.rule.js';
import { ruleInput, SEED_POLICY } from './testing/rule-input.js';

describe('step rule', () => {
  const step = (activeUsers: number, policy = SEED_POLICY) =>
    stepRule.evaluate(null, ruleInput({ activeUsers, policy }));

  it.each([
    [10_000, 3, 0],
    [29_999, 3, 0],
    [30_000, 4, 1],
    [49_999, 4, 1],
    [50_000, 5, 2],
  ])('%i active users: %i replicas (%i steps past the last tier)', (users, replicas, index) => {
    expect(step(users)).toMatchObject({
      rule: 'step',
      reason: 'StepAbove',
      replicas,
      match: { index },
    });
  });

  it('says the step and its range', () => {
    expect(step(30_000)).toEqual({
      rule: 'step',
      reason: 'StepAbove',
      replicas: 4,
      note: 'step 1 past 10,000 -> 4',
      match: { index: 1, range: { fromUsers: 30_000, belowUsers: 50_000 } },
    });
  });

  it('gives nothing when a tier already answered', () => {
    expect(stepRule.evaluate(3, ruleInput({ activeUsers: 50_000 }))).toBeNull();
  });

  it('a single tier steps from its bound', () => {
    const single = { ...SEED_POLICY, tiers: [{ belowUsers: 50, replicas: 1 }], stepUsers: 50 };
    expect(step(50, single)?.replicas).toBe(1);
    expect(step(100, single)?.replicas).toBe(2);
  });
});
