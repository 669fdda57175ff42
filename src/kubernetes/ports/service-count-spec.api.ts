import type { KiadaServiceCount, KiadaServiceCountSpec } from '../kiada-service-count.js';

/**
 * What the api role does with the KiadaServiceCount: read it, create it when missing, and
 * write the desired replicas into its spec. Rejects with KubernetesApiError; `get` resolves
 * null on 404.
 */
export abstract class ServiceCountSpecApi {
  abstract getServiceCount(namespace: string, name: string): Promise<KiadaServiceCount | null>;
  abstract createServiceCount(resource: KiadaServiceCount): Promise<KiadaServiceCount>;
  /** JSON merge patch of spec fields. */
  abstract patchServiceCountSpec(
    namespace: string,
    name: string,
    spec: Partial<KiadaServiceCountSpec>,
  ): Promise<KiadaServiceCount>;
}
