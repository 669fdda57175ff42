import { PAUSED, POLICY_CHANGED } from './decision.js';
import { FALLBACK } from './decisions/observed-decisions.js';
import type { ReasonDeclaration } from './rules/scaling-rule.js';
import { SCALING_RULES } from './rules/scaling-rules.js';

/**
 * Every reason code a decision can have, with its description and label: the rules'
 * own declarations, then the reasons that are not a rule's (each declared where a
 * decision gets it). The one list; the API's enum, the metric's help, /scaling/status
 * and the dashboard's labels read it.
 */
export const DECISION_REASONS: readonly ReasonDeclaration[] = [
  ...SCALING_RULES.flatMap((rule): readonly ReasonDeclaration[] => rule.reasons),
  POLICY_CHANGED,
  PAUSED,
  FALLBACK,
];

export const DECISION_REASON_CODES: readonly string[] = DECISION_REASONS.map(({ code }) => code);
