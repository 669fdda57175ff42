import type { ScalingPolicyConfig } from '../config/index.js';

/**
 * The tier policy: active users -> desired replicas. The first tier whose `belowUsers`
 * exceeds the count decides; past the last tier, one more replica for every `stepUsers`
 * further users. The result is clamped to [minReplicas, maxReplicas].
 *
 * Seed default (tiers 1000:2,10000:3, step 20000): n < 1000 -> 2, n < 10000 -> 3,
 * else 3 + floor((n - 10000) / 20000).
 */
export function replicasForActiveUsers(count: number, policy: ScalingPolicyConfig): number {
  const users = Math.max(0, Math.floor(count));
  const { tiers, stepUsers, minReplicas, maxReplicas } = policy;
  const tier = tiers.find((candidate) => users < candidate.belowUsers);
  let replicas: number;
  if (tier) {
    replicas = tier.replicas;
  } else {
    const last = tiers[tiers.length - 1];
    replicas = last.replicas + Math.floor((users - last.belowUsers) / stepUsers);
  }
  return Math.min(maxReplicas, Math.max(minReplicas, replicas));
}
