import type { ScalingPolicyConfig, ScalingTier } from './app-config.js';
import { ConfigError } from './config-error.js';

/** The seed's policy: < 1,000 users -> 2 pods, < 10,000 -> 3, then +1 per 20,000. */
export const DEFAULT_TIERS = '1000:2,10000:3';
export const DEFAULT_STEP_USERS = 20_000;

/** Parses `SCALING_TIERS` ("belowUsers:replicas,..."), rejecting anything ambiguous. */
export function parseTiers(raw: string): ScalingTier[] {
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
  if (entries.length === 0) {
    throw new ConfigError(
      'SCALING_TIERS',
      'must list at least one "belowUsers:replicas" tier',
      raw,
    );
  }
  const tiers = entries.map((entry) => {
    const match = /^(\d+):(\d+)$/.exec(entry);
    if (!match) {
      throw new ConfigError(
        'SCALING_TIERS',
        `has "${entry}": each tier must be "belowUsers:replicas" with non-negative integers`,
        raw,
      );
    }
    return { belowUsers: Number(match[1]), replicas: Number(match[2]) };
  });
  tiers.forEach((tier, index) => {
    const previous = tiers[index - 1];
    if (previous && tier.belowUsers <= previous.belowUsers) {
      throw new ConfigError(
        'SCALING_TIERS',
        'must be sorted by strictly increasing user counts',
        raw,
      );
    }
    if (previous && tier.replicas < previous.replicas) {
      throw new ConfigError('SCALING_TIERS', 'must not give fewer replicas to more users', raw);
    }
  });
  return tiers;
}

export function validatePolicy(policy: ScalingPolicyConfig): ScalingPolicyConfig {
  if (policy.minReplicas > policy.maxReplicas) {
    throw new ConfigError(
      'SCALING_MIN_REPLICAS',
      `must not exceed SCALING_MAX_REPLICAS (${policy.maxReplicas})`,
      policy.minReplicas,
    );
  }
  return policy;
}
