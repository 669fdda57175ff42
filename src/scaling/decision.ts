import type { Recommendation } from './scaling-policy.js';

/** Why the desired replicas are what they are (the Event reason, too). */
export const DECISION_REASONS = [
  'TierMatched',
  'StepAbove',
  'ClampedToMin',
  'ClampedToMax',
  'ScaleDownHeld',
  'Paused',
  'Fallback',
] as const;
export type DecisionReason = (typeof DECISION_REASONS)[number];

/** One scaling decision: every change of the desired replicas, and every hold of one. */
export interface Decision {
  /** Epoch ms. */
  at: number;
  activeUsers: number;
  recommendation: Recommendation;
  /** While the scale-down window keeps a higher value than recommended. */
  hold?: { replicas: number; until: number };
  /** The resource was paused (the operator holds the Deployment). */
  paused: boolean;
  /** The operator was applying the fallback (the signal was lost). */
  fallback: boolean;
  previousReplicas: number | null;
  /** The desired replicas written into spec.kiadaServiceCount. */
  replicas: number;
  reason: DecisionReason;
  /** One line a person understands, e.g. "1,000 active users >= 1,000: 3 replicas (was 2)". */
  message: string;
}

export interface DecisionInput {
  at: number;
  recommendation: Recommendation;
  /** The value after the scale-down window (>= recommendation.replicas). */
  stabilized: number;
  /** When the window lets the value fall, if it holds one now. */
  holdUntil?: number;
  windowSeconds: number;
  previousReplicas: number | null;
  paused: boolean;
}

const users = (count: number) => count.toLocaleString('en-US');
/** "1 replica", "3 replicas". */
const replicas = (count: number) => `${count} replica${count === 1 ? '' : 's'}`;
const activeUsersText = (count: number) => `${users(count)} active user${count === 1 ? '' : 's'}`;
const was = (previous: number | null) =>
  previous === null ? '(first decision)' : `(was ${previous})`;

/** "1,000 active users >= 1,000": the bound of the matched range the count moved across. */
function countAgainstRange(recommendation: Recommendation, previous: number | null): string {
  const { activeUsers, range, rule, index } = recommendation;
  const falling = previous !== null && recommendation.replicas < previous;
  if (falling || (rule === 'tier' && index === 0)) {
    return `${activeUsersText(activeUsers)} < ${users(range.belowUsers)}`;
  }
  return `${activeUsersText(activeUsers)} >= ${users(range.fromUsers)}`;
}

/**
 * The decision for a new count, as a pure function: which rule gave the replicas (tier,
 * step, min/max clamp), whether the scale-down window holds a higher value, and whether
 * the resource is paused; with a one-line message. Precedence of the reason: Paused,
 * ScaleDownHeld, ClampedToMin/Max, StepAbove, TierMatched.
 */
export function decide(input: DecisionInput): Decision {
  const { recommendation: rec, stabilized, previousReplicas: previous } = input;
  const base = countAgainstRange(rec, previous);
  const held = stabilized > rec.replicas && input.holdUntil !== undefined;
  let reason: DecisionReason;
  let message: string;
  if (held) {
    reason = 'ScaleDownHeld';
    message =
      `${base}: ${replicas(rec.replicas)} recommended, holding ${stabilized} until ` +
      `${new Date(input.holdUntil!).toISOString().slice(11, 19)}Z (scale-down window ${input.windowSeconds} s)`;
  } else if (rec.clamp === 'min') {
    reason = 'ClampedToMin';
    message = `${base}: the policy gives ${rec.policyReplicas}, raised to the minimum ${replicas(stabilized)} ${was(previous)}`;
  } else if (rec.clamp === 'max') {
    reason = 'ClampedToMax';
    message = `${base}: the policy gives ${rec.policyReplicas}, capped at the maximum ${replicas(stabilized)} ${was(previous)}`;
  } else {
    reason = rec.rule === 'step' ? 'StepAbove' : 'TierMatched';
    message = `${base}: ${replicas(stabilized)} ${was(previous)}`;
  }
  if (input.paused) {
    reason = 'Paused';
    message = `${message}; paused, so the operator holds the Deployment`;
  }
  return {
    at: input.at,
    activeUsers: rec.activeUsers,
    recommendation: rec,
    ...(held ? { hold: { replicas: stabilized, until: input.holdUntil! } } : {}),
    paused: input.paused,
    fallback: false,
    previousReplicas: previous,
    replicas: stabilized,
    reason,
    message,
  };
}

/**
 * Whether two decisions say the same (a new count inside the same tier is not a new
 * decision): same replicas, same recommendation, same reason.
 */
export interface DecisionKey {
  replicas: number;
  reason: string;
  recommended: number;
}

export function sameDecision(a: DecisionKey, b: DecisionKey): boolean {
  return a.replicas === b.replicas && a.recommended === b.recommended && a.reason === b.reason;
}
