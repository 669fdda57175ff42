import type { KiadaServiceCount } from '../kubernetes/kiada-service-count.js';
import {
  DecisionStamp,
  parseDecisionStamp,
  parseRfc3339,
  POLICY,
  SIGNAL_AT,
  staleAfterSecondsOf,
} from '../kubernetes/service-count-annotations.js';
import { Decision, sameDecision } from './decision.js';

/** The signal annotation is refreshed at most this often (and 4 times per stale time). */
export const SIGNAL_REFRESH_MS = 15_000;

/** What the decision annotation says of `decision`. */
export function stampOf(decision: Decision): DecisionStamp {
  return {
    reason: decision.reason,
    replicas: decision.replicas,
    recommended: decision.recommendation.replicas,
    at: decision.at,
  };
}

/** Whether the resource already carries `decision` (spec and annotation): nothing to write. */
export function holdsDecision(resource: KiadaServiceCount, decision: Decision): boolean {
  const stamp = parseDecisionStamp(resource.metadata.annotations);
  return (
    resource.spec.kiadaServiceCount === decision.replicas &&
    stamp !== undefined &&
    sameDecision(stamp, stampOf(decision))
  );
}

/**
 * Whether the signal annotation should be refreshed with a count made at `countedAt`: when
 * it is missing, or older than SIGNAL_REFRESH_MS or a quarter of the resource's stale time.
 */
export function signalNeedsRefresh(resource: KiadaServiceCount, countedAt: number): boolean {
  const value = resource.metadata.annotations?.[SIGNAL_AT];
  const stored = value === undefined ? undefined : parseRfc3339(value);
  const refreshMs = Math.min(
    SIGNAL_REFRESH_MS,
    (staleAfterSecondsOf(resource.spec.fallback) * 1000) / 4,
  );
  return stored === undefined || countedAt - stored >= refreshMs;
}

export function signalAnnotation(countedAt: number | undefined): Record<string, string> {
  return countedAt === undefined ? {} : { [SIGNAL_AT]: new Date(countedAt).toISOString() };
}

/**
 * The api's annotations due on `resource` besides the decision: the signal when it has
 * aged (`signalAt`: when the api last counted), the policy verdict when it differs.
 */
export function annotationsDue(
  resource: KiadaServiceCount,
  signalAt: number | undefined,
  policyVerdict: string | undefined,
): Record<string, string> {
  return {
    ...(signalAt !== undefined && signalNeedsRefresh(resource, signalAt)
      ? signalAnnotation(signalAt)
      : {}),
    ...(policyVerdict !== undefined && resource.metadata.annotations?.[POLICY] !== policyVerdict
      ? { [POLICY]: policyVerdict }
      : {}),
  };
}
