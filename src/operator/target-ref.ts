import { DEFAULT_TARGET_NAME, KiadaServiceCount } from '../kubernetes/kiada-service-count.js';

/** The Deployment a KiadaServiceCount scales: `spec.targetRef.name`, default `kiada`. */
export function targetNameOf(resource: Pick<KiadaServiceCount, 'spec'>): string {
  return resource.spec.targetRef?.name || DEFAULT_TARGET_NAME;
}
