import type { ScalingPolicyConfig } from '../config/index.js';

/** The users range that gave a recommendation: fromUsers <= count < belowUsers. */
export interface UsersRange {
  fromUsers: number;
  belowUsers: number;
}

/** What the tier policy recommends for one count, and why. */
export interface Recommendation {
  activeUsers: number;
  /** The replicas recommended, after the min/max clamp. */
  replicas: number;
  /** What the tier or step gave before the clamp. */
  policyReplicas: number;
  /** `tier`: one of SCALING_TIERS matched; `step`: past the last tier. */
  rule: 'tier' | 'step';
  /** The tier's index in SCALING_TIERS (rule tier), or the number of steps past the last tier. */
  index: number;
  range: UsersRange;
  /** Set when min or max changed policyReplicas. */
  clamp?: 'min' | 'max';
}

/**
 * The tier policy: active users -> desired replicas, with the rule that decided. The first
 * tier whose `belowUsers` exceeds the count decides; past the last tier, one more replica
 * for every `stepUsers` further users. The result is clamped to [minReplicas, maxReplicas].
 *
 * Seed default (tiers 1000:2,10000:3, step 20000): n < 1000 -> 2, n < 10000 -> 3,
 * else 3 + floor((n - 10000) / 20000).
 */
export function recommend(count: number, policy: ScalingPolicyConfig): Recommendation {
  const users = Math.max(0, Math.floor(count));
  const { tiers, stepUsers, minReplicas, maxReplicas } = policy;
  const tierIndex = tiers.findIndex((candidate) => users < candidate.belowUsers);
  let policyReplicas: number;
  let rule: Recommendation['rule'];
  let index: number;
  let range: UsersRange;
  if (tierIndex >= 0) {
    rule = 'tier';
    index = tierIndex;
    policyReplicas = tiers[tierIndex].replicas;
    range = {
      fromUsers: tierIndex === 0 ? 0 : tiers[tierIndex - 1].belowUsers,
      belowUsers: tiers[tierIndex].belowUsers,
    };
  } else {
    const last = tiers[tiers.length - 1];
    rule = 'step';
    index = Math.floor((users - last.belowUsers) / stepUsers);
    policyReplicas = last.replicas + index;
    const fromUsers = last.belowUsers + index * stepUsers;
    range = { fromUsers, belowUsers: fromUsers + stepUsers };
  }
  const replicas = Math.min(maxReplicas, Math.max(minReplicas, policyReplicas));
  const clamp = replicas > policyReplicas ? 'min' : replicas < policyReplicas ? 'max' : undefined;
  return {
    activeUsers: users,
    replicas,
    policyReplicas,
    rule,
    index,
    range,
    ...(clamp ? { clamp } : {}),
  };
}

/** The replicas the policy gives for `count` (see `recommend`). */
export function replicasForActiveUsers(count: number, policy: ScalingPolicyConfig): number {
  return recommend(count, policy).replicas;
}
