import { parseTiers } from '../src/config/scaling-tiers.js';
import type { DecisionReason } from '../src/scaling/decision.js';
import type { ScalingPolicy } from '../src/scaling/policy/scaling-policy.js';
import { rulesForCount } from '../src/scaling/rules/scaling-rules.js';

/**
 * The demo's policy: production's shape (two tiers, then a step; production is
 * `1000:2,10000:3`, step 20000, window 300 s) scaled down so the whole wave is 30 users and
 * the scale-down window a few seconds. Passwords keep production's argon2id cost.
 */
export interface DemoPolicy {
  tiers: string;
  stepUsers: number;
  minReplicas: number;
  maxReplicas: number;
  windowSeconds: number;
}

export function demoPolicy(ci: boolean): DemoPolicy {
  return {
    tiers: '10:2,20:3',
    stepUsers: 10,
    minReplicas: 2,
    maxReplicas: 100,
    windowSeconds: ci ? 3 : 10,
  };
}

/** The api's environment for `policy`. */
export function policyEnv(policy: DemoPolicy): Record<string, string> {
  return {
    SCALING_TIERS: policy.tiers,
    SCALING_STEP_USERS: String(policy.stepUsers),
    SCALING_MIN_REPLICAS: String(policy.minReplicas),
    SCALING_MAX_REPLICAS: String(policy.maxReplicas),
    SCALING_STABILIZATION_SECONDS: String(policy.windowSeconds),
  };
}

function policyConfig(policy: DemoPolicy): ScalingPolicy {
  return {
    tiers: parseTiers(policy.tiers),
    stepUsers: policy.stepUsers,
    minReplicas: policy.minReplicas,
    maxReplicas: policy.maxReplicas,
    stabilizationSeconds: policy.windowSeconds,
    schedules: [],
    forecast: null,
  };
}

/** What the app decides for a count outside any window: replicas and reason code. */
function expected(count: number, config: ScalingPolicy) {
  const { steps, replicas } = rulesForCount(count, config);
  const reason = (steps[steps.length - 1]?.reason ?? 'TierMatched') as DecisionReason;
  return { replicas, reason };
}

/** One boundary of the policy that the wave crosses: a login (up) or a logout (down). */
export interface Crossing {
  direction: 'up' | 'down';
  /** Active users after the login or logout that crosses. */
  users: number;
  /** The bound crossed (`belowUsers` of a tier, or a step's first count) and what it is. */
  bound: number;
  boundKind: string;
  replicasBefore: number;
  replicasAfter: number;
  /** The decision's reason once settled. */
  reason: DecisionReason;
  /** A scale-down: the window holds the old value first (a ScaleDownHeld decision). */
  held: boolean;
}

export interface WavePlan {
  /** Users signed up, logged in one by one up to this many, then logged out one by one. */
  users: number;
  crossings: Crossing[];
}

/**
 * The wave: up to one step past the last tier and back to zero. Its crossings are the counts
 * where the app's own rules (src/scaling/rules/scaling-rules.ts) give a new decision
 * (replicas or reason): the first tier's bound, the last tier's bound (the step rule takes
 * over, replicas stay) and the first step, each up and down.
 */
export function wavePlan(policy: DemoPolicy): WavePlan {
  const config = policyConfig(policy);
  const last = config.tiers[config.tiers.length - 1];
  const users = last.belowUsers + config.stepUsers;
  const crossings: Crossing[] = [];
  const add = (direction: Crossing['direction'], before: number, after: number) => {
    const a = expected(before, config);
    const b = expected(after, config);
    if (a.replicas === b.replicas && a.reason === b.reason) return;
    const bound = Math.max(before, after);
    const tierIndex = config.tiers.findIndex((tier) => tier.belowUsers === bound);
    crossings.push({
      direction,
      users: after,
      bound,
      boundKind:
        tierIndex < 0
          ? 'step'
          : tierIndex === config.tiers.length - 1
            ? 'last tier -> step'
            : `tier ${tierIndex + 1} -> ${tierIndex + 2}`,
      replicasBefore: a.replicas,
      replicasAfter: b.replicas,
      reason: b.reason,
      held: b.replicas < a.replicas && policy.windowSeconds > 0,
    });
  };
  for (let n = 1; n <= users; n++) add('up', n - 1, n);
  for (let n = users - 1; n >= 0; n--) add('down', n + 1, n);
  return { users, crossings };
}

/** `fewer than 10 active users: 2 replicas; fewer than 20: 3; then +1 per 10 (30: 4)`. */
export function describePolicy(policy: DemoPolicy): string {
  const config = policyConfig(policy);
  const tiers = config.tiers
    .map((t, i) => `fewer than ${t.belowUsers}${i === 0 ? ' active users' : ''}: ${t.replicas}`)
    .join('; ');
  const last = config.tiers[config.tiers.length - 1];
  const next = last.belowUsers + config.stepUsers;
  return (
    `${tiers}; then +1 replica per ${config.stepUsers} users (${next}: ` +
    `${rulesForCount(next, config).replicas}); min ${config.minReplicas}, max ${config.maxReplicas}; ` +
    `scale-down window ${policy.windowSeconds} s`
  );
}
