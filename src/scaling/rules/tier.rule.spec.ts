import { tierRule } from './tier.rule.js';
import { ruleInput, SEED_POLICY } from './testing/rule-input.js';

describe('tier rule', () => {
  const tier = (activeUsers: number, policy = SEED_POLICY) =>
    tierRule.evaluate(null, ruleInput({ activeUsers, policy }));

  it.each([
    [0, 2, 0],
    [999, 2, 0],
    [1000, 3, 1],
    [9999, 3, 1],
  ])('%i active users: tier index %#, %i replicas', (users, replicas, index) => {
    expect(tier(users)).toMatchObject({
      rule: 'tier',
      reason: 'TierMatched',
      replicas,
      match: { index },
    });
  });

  it('says the range it covers and the replicas in its note', () => {
    expect(tier(1500)).toEqual({
      rule: 'tier',
      reason: 'TierMatched',
      replicas: 3,
      note: 'tier 2 -> 3',
      match: { index: 1, range: { fromUsers: 1000, belowUsers: 10000 } },
    });
  });

  it('gives nothing past the last tier (the step rule does)', () => {
    expect(tier(10_000)).toBeNull();
  });

  it('treats a negative or fractional count as the whole users it holds', () => {
    expect(tier(-5)?.replicas).toBe(2);
    expect(tier(999.9)?.replicas).toBe(2);
  });
});
