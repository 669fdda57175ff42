import type { KiadaServiceCount } from '../../kubernetes/kiada-service-count.js';
import { PAUSED } from '../decision.js';
import type { ReasonDeclaration } from '../rules/scaling-rule.js';
import type { NewScalingDecision } from './decision.repository.js';

/** Declared here, where a decision gets it: the operator applied the fallback. */
export const FALLBACK = {
  code: 'Fallback',
  description: "the operator applied the fallback: the api's signal was lost",
  label: 'fallback',
} as const satisfies ReasonDeclaration;

/**
 * Decisions the operator made about the resource, as the api sees them in its status: a
 * pause that started (Paused=True) and a fallback that engaged (SignalFresh=False). Each
 * is keyed by its condition's transition, so every api replica may record it and the
 * table keeps one (`dedupe_key`). Pure: the rows for the resource as it is now.
 */
export function observedDecisions(
  resource: KiadaServiceCount,
  activeUsers: number | null,
): NewScalingDecision[] {
  const namespace = resource.metadata.namespace ?? '';
  const name = resource.metadata.name;
  const rows: NewScalingDecision[] = [];
  for (const condition of resource.status?.conditions ?? []) {
    const paused = condition.type === 'Paused' && condition.status === 'True';
    const fallback = condition.type === 'SignalFresh' && condition.status === 'False';
    if (!paused && !fallback) continue;
    const at = Date.parse(condition.lastTransitionTime);
    if (Number.isNaN(at)) continue;
    const reason = paused ? PAUSED.code : FALLBACK.code;
    rows.push({
      at,
      namespace,
      name,
      reason,
      message: `${reason} (operator): ${condition.message}`.slice(0, 512),
      activeUsers,
      previousReplicas: null,
      replicas: resource.status?.replicas ?? null,
      recommendedReplicas: resource.spec.kiadaServiceCount,
      rule: null,
      ruleIndex: null,
      steps: [],
      clamp: null,
      holdReplicas: null,
      holdUntil: null,
      paused,
      fallback,
      dedupeKey: `${namespace}/${name}/${reason}/${condition.lastTransitionTime}`,
    });
  }
  return rows;
}
