import type { ReasonDeclaration, ScalingRule } from './scaling-rule.js';
import { applyRules, formatTrace, rulesForCount, SCALING_RULES } from './scaling-rules.js';
import { ruleInput, SEED_POLICY } from './testing/rule-input.js';

describe('the rules, composed', () => {
  it('apply in one order: tier, step, forecast, schedule, clamp, then the scale-down hold', () => {
    expect(SCALING_RULES.map((rule) => [rule.name, rule.stage])).toEqual([
      ['tier', 'recommend'],
      ['step', 'recommend'],
      ['forecast', 'recommend'],
      ['schedule', 'recommend'],
      ['clamp', 'recommend'],
      ['hold', 'stabilize'],
    ]);
  });

  it('declare each reason code once', () => {
    const codes = SCALING_RULES.flatMap((rule) =>
      rule.reasons.map((reason): string => reason.code),
    );
    expect(codes).toEqual([
      'TierMatched',
      'StepAbove',
      'Forecast',
      'ScheduleMinimum',
      'ClampedToMin',
      'ClampedToMax',
      'ScaleDownHeld',
    ]);
    for (const reason of SCALING_RULES.flatMap(
      (rule): readonly ReasonDeclaration[] => rule.reasons,
    )) {
      expect(reason.description.length).toBeGreaterThan(10);
      expect(reason.label.length).toBeGreaterThan(0);
    }
  });

  describe("the seed's policy: 2 / 3 / 3 + floor((n - 10000) / 20000), at every boundary", () => {
    const seedFormula = (n: number) =>
      Math.min(100, n < 1000 ? 2 : n < 10_000 ? 3 : 3 + Math.floor((n - 10_000) / 20_000));
    const boundaries = [
      0, 1, 999, 1000, 1001, 9999, 10_000, 10_001, 29_999, 30_000, 49_999, 50_000,
    ];
    for (let k = 3; k <= 100; k++) boundaries.push(10_000 + k * 20_000 - 1, 10_000 + k * 20_000);
    boundaries.push(10_000_000);

    it.each(boundaries)('%i active users', (users) => {
      expect(rulesForCount(users, SEED_POLICY).replicas).toBe(seedFormula(users));
    });
  });

  it('keep the trace of the rules that changed the answer, in order, and the recommendation before the hold', () => {
    const outcome = applyRules({
      ...ruleInput({ activeUsers: 500 }),
      openSchedules: [
        {
          name: 'night',
          minReplicas: 4,
          timeZone: 'UTC',
          until: Date.parse('2026-12-01T10:00:00Z'),
        },
      ],
      policy: { ...SEED_POLICY, maxReplicas: 3 },
      scaleDownWindow: () => ({ replicas: 6, until: Date.parse('2026-12-01T09:05:00Z') }),
    });
    expect(outcome.steps.map((step) => `${step.rule}:${step.replicas}`)).toEqual([
      'tier:2',
      'schedule:4',
      'clamp:3',
      'hold:6',
    ]);
    expect(outcome).toMatchObject({ recommended: 3, replicas: 6 });
    expect(formatTrace(outcome.steps, outcome.replicas)).toBe(
      'tier 1 -> 2; schedule night min 4 until 10:00 UTC; max 3; hold 6 until 09:05:00Z (scale-down window 300 s); -> 6',
    );
  });

  it('let a rule ask what the rules before it give for another count (the forecast)', () => {
    const seen: number[] = [];
    const probe: ScalingRule = {
      name: 'probe',
      stage: 'recommend',
      reasons: [{ code: 'Probe', description: 'a test rule', label: 'probe' }],
      evaluate: (replicas, input) => {
        seen.push(input.answerFor(30_000), input.answerFor(500));
        return null;
      },
    };
    const [tier, step] = SCALING_RULES;
    applyRules(ruleInput({ activeUsers: 10 }), [tier, step, probe]);
    expect(seen).toEqual([4, 2]);
  });

  it('a rule added to a list takes part with no other change', () => {
    const double: ScalingRule = {
      name: 'double',
      stage: 'recommend',
      reasons: [{ code: 'Doubled', description: 'a test rule', label: 'x2' }],
      evaluate: (replicas) =>
        replicas === null
          ? null
          : {
              rule: 'double',
              reason: 'Doubled',
              replicas: replicas * 2,
              note: `double ${replicas * 2}`,
            },
    };
    const outcome = applyRules(ruleInput({ activeUsers: 1500 }), [
      ...SCALING_RULES.slice(0, 2),
      double,
    ]);
    expect(formatTrace(outcome.steps, outcome.replicas)).toBe('tier 2 -> 3; double 6; -> 6');
  });
});
