import type { AppConfig, ScalingTier } from '../../config/index.js';
import type { PolicySource } from '../../kubernetes/kiada-service-count.js';

/** A schedule of the policy, its time zone resolved (docs/scaling.md, "Schedules"). */
export interface Schedule {
  name: string;
  start: string;
  end: string;
  timeZone: string;
  minReplicas: number;
}

export interface Forecast {
  lookaheadSeconds: number;
  windowSeconds: number;
}

/**
 * The policy the api decides with: spec.policy of its KiadaServiceCount merged field by
 * field over its SCALING_* settings (or those alone), validated as a whole.
 */
export interface ScalingPolicy {
  tiers: ScalingTier[];
  /** Past the last tier, one more replica for every `stepUsers` further users. */
  stepUsers: number;
  minReplicas: number;
  maxReplicas: number;
  /** Scale-down waits until the lower value held this long. */
  stabilizationSeconds: number;
  /** Time windows with a minimum of replicas; none from the environment. */
  schedules: Schedule[];
  /** Off (null) unless spec.policy.forecast is set. */
  forecast: Forecast | null;
}

/** The policy in force and where it comes from. */
export interface PolicyInForce {
  policy: ScalingPolicy;
  source: PolicySource;
}

/** A schedule's time zone when it names none. */
export const DEFAULT_TIME_ZONE = 'UTC';

/** The policy of the api's SCALING_* settings alone (no spec.policy). */
export function environmentPolicy(scaling: AppConfig['scaling']): ScalingPolicy {
  const { tiers, stepUsers, minReplicas, maxReplicas } = scaling.policy;
  return {
    tiers: tiers.map((tier) => ({ ...tier })),
    stepUsers,
    minReplicas,
    maxReplicas,
    stabilizationSeconds: scaling.stabilizationSeconds,
    schedules: [],
    forecast: null,
  };
}
