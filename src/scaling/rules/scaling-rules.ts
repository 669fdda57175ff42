import { forecastRule } from './forecast.rule.js';
import { minMaxClampRule } from './min-max-clamp.rule.js';
import { scaleDownHoldRule } from './scale-down-hold.rule.js';
import { scheduleMinimumRule } from './schedule-minimum.rule.js';
import type { RuleInput, ScalingRule, Step } from './scaling-rule.js';
import { stepRule } from './step.rule.js';
import { tierRule } from './tier.rule.js';

/**
 * The policy's rules, in the order they apply: each takes the answer of those before it.
 * The one place they are composed; a new rule is one file, added here.
 */
export const SCALING_RULES = [
  tierRule,
  stepRule,
  forecastRule,
  scheduleMinimumRule,
  minMaxClampRule,
  scaleDownHoldRule,
] as const;

export type RuleName = (typeof SCALING_RULES)[number]['name'];
/** The rules that give the base value from the count (a step of theirs has `match`). */
export const BASE_RULES = [tierRule, stepRule] as const;
export type BaseRuleName = (typeof BASE_RULES)[number]['name'];
export type RuleReason = (typeof SCALING_RULES)[number]['reasons'][number]['code'];

/** What the rules give for one input. */
export interface RulesOutcome {
  /** The steps that changed the answer, in order: the decision's trace. */
  steps: Step[];
  /** The answer before the `stabilize` rules: what the scale-down window records. */
  recommended: number;
  /** The final answer. */
  replicas: number;
}

/** Runs `rules` in order on `input` (pure). */
export function applyRules(
  input: Omit<RuleInput, 'answerFor'>,
  rules: readonly ScalingRule[] = SCALING_RULES,
): RulesOutcome {
  let replicas: number | null = null;
  let recommended: number | null = null;
  const steps: Step[] = [];
  rules.forEach((rule, index) => {
    if (rule.stage === 'stabilize' && recommended === null) recommended = replicas;
    const answerFor = (activeUsers: number) =>
      applyRules({ ...input, activeUsers }, rules.slice(0, index)).replicas;
    const step = rule.evaluate(replicas, { ...input, answerFor });
    if (step) {
      steps.push(step);
      replicas = step.replicas;
    }
  });
  // Tiers are never empty (validated), so a rule always answers; the minimum otherwise.
  const final: number = replicas ?? input.policy.minReplicas;
  return { steps, recommended: recommended ?? final, replicas: final };
}

/** "tier 2 -> 3; forecast 4 (...); schedule office-hours min 5 until 18:00 Asia/Seoul; -> 5". */
export function formatTrace(steps: readonly Step[], replicas: number): string {
  return [...steps.map((step) => step.note), `-> ${replicas}`].join('; ');
}

/** The rules' outcome for a count alone: no schedule open, no forecast, nothing held (pure). */
export function rulesForCount(
  activeUsers: number,
  policy: RuleInput['policy'],
  at = 0,
): RulesOutcome {
  return applyRules({
    at,
    activeUsers,
    policy,
    openSchedules: [],
    forecast: null,
    scaleDownWindow: (replicas) => ({ replicas }),
  });
}
