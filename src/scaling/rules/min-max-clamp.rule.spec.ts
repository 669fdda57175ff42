import { minMaxClampRule } from './min-max-clamp.rule.js';
import { ruleInput, SEED_POLICY } from './testing/rule-input.js';

describe('min/max clamp rule', () => {
  const clamp = (replicas: number, minReplicas: number, maxReplicas: number) =>
    minMaxClampRule.evaluate(
      replicas,
      ruleInput({ policy: { ...SEED_POLICY, minReplicas, maxReplicas } }),
    );

  it('raises an answer below minReplicas', () => {
    expect(clamp(2, 4, 10)).toEqual({
      rule: 'clamp',
      reason: 'ClampedToMin',
      replicas: 4,
      note: 'min 4',
    });
  });

  it('caps an answer above maxReplicas', () => {
    expect(clamp(7, 2, 4)).toEqual({
      rule: 'clamp',
      reason: 'ClampedToMax',
      replicas: 4,
      note: 'max 4',
    });
  });

  it('changes nothing inside the bounds, at them, or before any answer', () => {
    expect(clamp(4, 4, 4)).toBeNull();
    expect(clamp(3, 2, 100)).toBeNull();
    expect(minMaxClampRule.evaluate(null, ruleInput())).toBeNull();
  });
});
