import { DEFAULT_TARGET_NAME, KiadaServiceCount } from '../kubernetes/kiada-service-count.js';
import type { DeploymentState } from '../kubernetes/kubernetes.types.js';

/** The Deployment a KiadaServiceCount scales: `spec.targetRef.name`, default `kiada`. */
export function targetNameOf(resource: Pick<KiadaServiceCount, 'spec'>): string {
  return resource.spec.targetRef?.name || DEFAULT_TARGET_NAME;
}

/** The resources (same namespace) whose target is this Deployment. */
export function serviceCountsTargeting(
  deployment: Pick<DeploymentState, 'metadata'>,
  resources: Iterable<KiadaServiceCount>,
): KiadaServiceCount[] {
  return [...resources].filter(
    (resource) =>
      resource.metadata.namespace === deployment.metadata.namespace &&
      targetNameOf(resource) === deployment.metadata.name,
  );
}
