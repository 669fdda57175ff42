import type { PolicySource } from '../kubernetes/kiada-service-count.js';
import type { ScalingPolicy } from './policy/scaling-policy.js';
import type { ReasonDeclaration, Step, UsersRange } from './rules/scaling-rule.js';
import { formatUsers } from './rules/scaling-rule.js';
import {
  formatTrace,
  type BaseRuleName,
  type RuleReason,
  type RulesOutcome,
} from './rules/scaling-rules.js';

/** Declared here, where a decision gets it: the policy in force changed. */
export const POLICY_CHANGED = {
  code: 'PolicyChanged',
  description: 'the policy changed (spec.policy applied, fixed or removed): decided again at once',
  label: 'policy changed',
} as const satisfies ReasonDeclaration;

/** Declared here, where a decision gets it: the resource is paused. */
export const PAUSED = {
  code: 'Paused',
  description:
    'decided while the resource is paused (the spec is written, the operator holds the Deployment), or a pause started',
  label: 'paused',
} as const satisfies ReasonDeclaration;

/** The base of a recommendation: which tier, or how many steps past the last one. */
export interface Recommendation {
  activeUsers: number;
  /** The replicas recommended: the answer before the scale-down window. */
  replicas: number;
  /** What the tier or step gave. */
  policyReplicas: number;
  /** The rule that gave the base value (tier or step). */
  rule: BaseRuleName;
  /** The tier's index, or the number of steps past the last tier. */
  index: number;
  range: UsersRange;
  /** Set when minReplicas or maxReplicas changed the answer. */
  clamp?: 'min' | 'max';
}

export type DecisionReason = RuleReason | (typeof POLICY_CHANGED)['code'] | (typeof PAUSED)['code'];

/** One scaling decision: every change of the desired replicas, and every hold of one. */
export interface Decision {
  /** Epoch ms. */
  at: number;
  activeUsers: number;
  recommendation: Recommendation;
  /** The rules that changed the answer, in order (the trace). */
  steps: Step[];
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
  /** The reason the rules gave, before PolicyChanged or Paused took its place. */
  ruleReason: RuleReason;
  /** One line a person understands, e.g. "1,000 active users >= 1,000: 3 replicas (was 2)". */
  message: string;
}

export interface DecisionInput {
  at: number;
  activeUsers: number;
  outcome: RulesOutcome;
  policy: ScalingPolicy;
  previousReplicas: number | null;
  paused: boolean;
  /** Set when this decision follows a change of the policy: where it comes from now. */
  policyChanged?: PolicySource;
}

/** "1 replica", "3 replicas". */
const replicas = (count: number) => `${count} replica${count === 1 ? '' : 's'}`;
const activeUsersText = (count: number) =>
  `${formatUsers(count)} active user${count === 1 ? '' : 's'}`;
const was = (previous: number | null) =>
  previous === null ? '(first decision)' : `(was ${previous})`;

/** "1,000 active users >= 1,000": the bound of the matched range the count moved across. */
function countAgainstRange(recommendation: Recommendation, final: number, previous: number | null) {
  const { activeUsers, range, rule, index } = recommendation;
  const falling = previous !== null && final < previous;
  if (falling || (rule === 'tier' && index === 0)) {
    return `${activeUsersText(activeUsers)} < ${formatUsers(range.belowUsers)}`;
  }
  return `${activeUsersText(activeUsers)} >= ${formatUsers(range.fromUsers)}`;
}

function recommendationOf(activeUsers: number, outcome: RulesOutcome): Recommendation {
  const base = outcome.steps.find((step) => step.match);
  const clamp = outcome.steps.find((step) => step.rule === 'clamp');
  return {
    activeUsers: Math.max(0, Math.floor(activeUsers)),
    replicas: outcome.recommended,
    policyReplicas: base?.replicas ?? outcome.recommended,
    rule: (base?.rule ?? 'tier') as BaseRuleName,
    index: base?.match?.index ?? 0,
    range: base?.match?.range ?? { fromUsers: 0, belowUsers: 0 },
    ...(clamp ? { clamp: clamp.reason === 'ClampedToMin' ? 'min' : 'max' } : {}),
  };
}

/**
 * The decision for the rules' outcome, as a pure function: the reason is the last rule
 * that changed the answer, unless the policy just changed (PolicyChanged) or the resource
 * is paused (Paused, first); with a one-line message and the rules' trace.
 */
export function decide(input: DecisionInput): Decision {
  const { outcome, previousReplicas: previous } = input;
  const final = outcome.replicas;
  const recommendation = recommendationOf(input.activeUsers, outcome);
  const base = countAgainstRange(recommendation, final, previous);
  const last = outcome.steps[outcome.steps.length - 1];
  const before = outcome.steps[outcome.steps.length - 2]?.replicas ?? final;
  const ruleReason = (last?.reason ?? 'TierMatched') as RuleReason;
  let reason: DecisionReason = ruleReason;
  let message: string;
  const holdUntil = reason === 'ScaleDownHeld' ? last.until : undefined;
  switch (reason) {
    case 'TierMatched':
    case 'StepAbove':
      message = `${base}: ${replicas(final)} ${was(previous)}`;
      break;
    case 'ClampedToMin':
      message = `${base}: the policy gives ${before}, raised to the minimum ${replicas(final)} ${was(previous)}`;
      break;
    case 'ClampedToMax':
      message = `${base}: the policy gives ${before}, capped at the maximum ${replicas(final)} ${was(previous)}`;
      break;
    case 'ScaleDownHeld':
      message =
        `${base}: ${replicas(recommendation.replicas)} recommended, holding ${final} until ` +
        `${new Date(holdUntil!).toISOString().slice(11, 19)}Z (scale-down window ${input.policy.stabilizationSeconds} s)`;
      break;
    default:
      message = `${base}: ${replicas(final)}, ${last.note} ${was(previous)}`;
  }
  if (input.policyChanged) {
    reason = POLICY_CHANGED.code;
    message = `Policy changed (${input.policyChanged === 'resource' ? 'spec.policy' : 'SCALING_* settings'}): ${message}`;
  }
  if (input.paused) {
    reason = PAUSED.code;
    message = `${message}; paused, so the operator holds the Deployment`;
  }
  return {
    at: input.at,
    activeUsers: recommendation.activeUsers,
    recommendation,
    steps: outcome.steps,
    ...(holdUntil !== undefined ? { hold: { replicas: final, until: holdUntil } } : {}),
    paused: input.paused,
    fallback: false,
    previousReplicas: previous,
    replicas: final,
    reason,
    ruleReason,
    message,
  };
}

/** The decision's trace in one line (the dashboard's hover and log, the docs). */
export function traceOf(decision: Pick<Decision, 'steps' | 'replicas'>): string {
  return formatTrace(decision.steps, decision.replicas);
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

/**
 * Whether `next` says nothing new after `previous`: the same decision, or the same answer
 * for the same rule after a policy change (PolicyChanged names the change, not a rule, so
 * the next count giving what it gave is no new decision).
 */
export function repeats(previous: Decision, next: Decision): boolean {
  const key = (decision: Decision, reason: string): DecisionKey => ({
    replicas: decision.replicas,
    recommended: decision.recommendation.replicas,
    reason,
  });
  return (
    sameDecision(key(previous, previous.reason), key(next, next.reason)) ||
    (previous.reason === POLICY_CHANGED.code &&
      sameDecision(key(previous, previous.ruleReason), key(next, next.reason)))
  );
}
