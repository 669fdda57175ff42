import { defineRule } from './scaling-rule.js';

/**
 * Tier: the first tier whose `belowUsers` exceeds the active users gives its replicas.
 * Past the last tier it gives nothing (the step rule does).
 */
export const tierRule = defineRule({
  name: 'tier',
  stage: 'recommend',
  reasons: [
    {
      code: 'TierMatched',
      description: 'a tier gave the replicas: fewer active users than its belowUsers',
      label: 'tier',
    },
  ],
  evaluate(_replicas, { activeUsers, policy }) {
    const users = Math.max(0, Math.floor(activeUsers));
    const index = policy.tiers.findIndex((tier) => users < tier.belowUsers);
    if (index < 0) return null;
    const { belowUsers, replicas } = policy.tiers[index];
    const fromUsers = index === 0 ? 0 : policy.tiers[index - 1].belowUsers;
    return {
      rule: 'tier',
      reason: 'TierMatched',
      replicas,
      note: `tier ${index + 1} -> ${replicas}`,
      match: { index, range: { fromUsers, belowUsers } },
    };
  },
});
