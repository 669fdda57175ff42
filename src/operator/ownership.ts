import type { KiadaServiceCount } from '../kubernetes/kiada-service-count.js';
import type { HorizontalPodAutoscalerState } from '../kubernetes/kubernetes.types.js';
import { targetNameOf } from './target-ref.js';

/** Whether a KiadaServiceCount may scale its target, and if not, who holds it. */
export type Claim =
  | { owner: true }
  | { owner: false; reason: 'TargetClaimed' | 'HorizontalPodAutoscalerPresent'; message: string };

const createdAt = (resource: KiadaServiceCount) =>
  Date.parse(resource.metadata.creationTimestamp ?? '') || 0;

/** Oldest first; ties by name, so every replica of the operator picks the same owner. */
function byAge(a: KiadaServiceCount, b: KiadaServiceCount): number {
  return createdAt(a) - createdAt(b) || a.metadata.name.localeCompare(b.metadata.name);
}

/**
 * One owner per Deployment, as a pure function of what the caches hold: an autoscaling/v2
 * HorizontalPodAutoscaler on the target wins over every KiadaServiceCount (two scalers
 * would fight; the HPA was there to be used); else the oldest KiadaServiceCount targeting
 * it owns it and the others yield.
 */
export function claimOnTarget(
  resource: KiadaServiceCount,
  sameNamespace: Iterable<KiadaServiceCount>,
  autoscalers: Iterable<HorizontalPodAutoscalerState>,
): Claim {
  const namespace = resource.metadata.namespace;
  const target = targetNameOf(resource);
  const hpa = [...autoscalers].find(
    (candidate) =>
      candidate.metadata.namespace === namespace &&
      candidate.scaleTargetRef.kind === 'Deployment' &&
      candidate.scaleTargetRef.name === target &&
      (!candidate.scaleTargetRef.apiVersion ||
        candidate.scaleTargetRef.apiVersion.startsWith('apps/')),
  );
  if (hpa) {
    return {
      owner: false,
      reason: 'HorizontalPodAutoscalerPresent',
      message: `HorizontalPodAutoscaler "${hpa.metadata.name}" scales Deployment "${target}": this resource leaves it alone (delete the HPA, or this resource)`,
    };
  }
  const claimants = [...sameNamespace]
    .filter((other) => other.metadata.namespace === namespace && targetNameOf(other) === target)
    .sort(byAge);
  const owner = claimants[0];
  if (!owner || owner.metadata.name === resource.metadata.name) return { owner: true };
  return {
    owner: false,
    reason: 'TargetClaimed',
    message: `Deployment "${target}" is scaled by KiadaServiceCount "${owner.metadata.name}" (the oldest that targets it): this one writes nothing`,
  };
}
