import { defineRule, formatUsers } from './scaling-rule.js';

/**
 * Step: past the last tier (no tier gave replicas), one more replica than the last tier's
 * for every `stepUsers` further users. The seed's 3 + floor((n - 10000) / 20000).
 */
export const stepRule = defineRule({
  name: 'step',
  stage: 'recommend',
  reasons: [
    {
      code: 'StepAbove',
      description: 'past the last tier: one more replica per stepUsers further users',
      label: 'step',
    },
  ],
  evaluate(replicas, { activeUsers, policy }) {
    const last = policy.tiers[policy.tiers.length - 1];
    if (replicas !== null || !last) return null;
    const users = Math.max(0, Math.floor(activeUsers));
    const index = Math.floor((users - last.belowUsers) / policy.stepUsers);
    const fromUsers = last.belowUsers + index * policy.stepUsers;
    const stepped = last.replicas + index;
    return {
      rule: 'step',
      reason: 'StepAbove',
      replicas: stepped,
      note: `step ${index} past ${formatUsers(last.belowUsers)} -> ${stepped}`,
      match: { index, range: { fromUsers, belowUsers: fromUsers + policy.stepUsers } },
    };
  },
});
