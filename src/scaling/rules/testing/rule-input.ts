import type { ScalingPolicy } from '../../policy/scaling-policy.js';
import type { RuleInput } from '../scaling-rule.js';

/** The seed's policy (1000:2, 10000:3, step 20000, 2..100, 300 s), as resolved. */
export const SEED_POLICY: ScalingPolicy = {
  tiers: [
    { belowUsers: 1000, replicas: 2 },
    { belowUsers: 10000, replicas: 3 },
  ],
  stepUsers: 20000,
  minReplicas: 2,
  maxReplicas: 100,
  stabilizationSeconds: 300,
  schedules: [],
  forecast: null,
};

/** A rule's input: the seed policy at 09:00 UTC, nothing open, no forecast, nothing held. */
export function ruleInput(overrides: Partial<RuleInput> = {}): RuleInput {
  return {
    at: Date.parse('2026-12-01T09:00:00Z'),
    activeUsers: 0,
    policy: SEED_POLICY,
    openSchedules: [],
    forecast: null,
    scaleDownWindow: (replicas) => ({ replicas }),
    answerFor: () => {
      throw new Error('answerFor was not expected');
    },
    ...overrides,
  };
}
