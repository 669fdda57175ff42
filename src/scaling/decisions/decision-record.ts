import type { Decision } from '../decision.js';
import type { NewScalingDecision } from './decision.repository.js';

/** The resource a decision is about. */
export interface DecisionSubject {
  namespace: string;
  name: string;
}

/** The row of a decision (pure). */
export function decisionRow(
  decision: Decision,
  subject: DecisionSubject,
  dedupeKey: string | null = null,
): NewScalingDecision {
  const rec = decision.recommendation;
  return {
    at: decision.at,
    namespace: subject.namespace,
    name: subject.name,
    reason: decision.reason,
    message: decision.message.slice(0, 512),
    activeUsers: decision.activeUsers,
    previousReplicas: decision.previousReplicas,
    replicas: decision.replicas,
    recommendedReplicas: rec.replicas,
    rule: rec.rule,
    ruleIndex: rec.index,
    steps: decision.steps.map(({ rule, reason, replicas, note }) => ({
      rule,
      reason,
      replicas,
      note,
    })),
    clamp: rec.clamp ?? null,
    holdReplicas: decision.hold?.replicas ?? null,
    holdUntil: decision.hold?.until ?? null,
    paused: decision.paused,
    fallback: decision.fallback,
    dedupeKey,
  };
}
