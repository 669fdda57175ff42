import { scaleDownHoldRule } from './scale-down-hold.rule.js';
import { ruleInput } from './testing/rule-input.js';

describe('scale-down hold rule', () => {
  const until = Date.parse('2026-12-01T09:05:10Z');

  it('holds the higher value the window keeps, until it lets it fall', () => {
    const step = scaleDownHoldRule.evaluate(
      2,
      ruleInput({ scaleDownWindow: () => ({ replicas: 3, until }) }),
    );
    expect(step).toEqual({
      rule: 'hold',
      reason: 'ScaleDownHeld',
      replicas: 3,
      until,
      note: 'hold 3 until 09:05:10Z (scale-down window 300 s)',
    });
  });

  it('changes nothing on a rise or when the window holds nothing above the answer', () => {
    expect(
      scaleDownHoldRule.evaluate(4, ruleInput({ scaleDownWindow: (r) => ({ replicas: r }) })),
    ).toBeNull();
    expect(
      scaleDownHoldRule.evaluate(3, ruleInput({ scaleDownWindow: () => ({ replicas: 3, until }) })),
    ).toBeNull();
  });

  it('asks the window about the answer it got', () => {
    const asked: number[] = [];
    scaleDownHoldRule.evaluate(
      2,
      ruleInput({ scaleDownWindow: (r) => (asked.push(r), { replicas: r }) }),
    );
    expect(asked).toEqual([2]);
  });
});
