import type { KiadaServiceCount, KiadaServiceCountSpec } from '../kiada-service-count.js';

export interface SpecPatchOptions {
  /** Annotations to set (a null value removes one). */
  annotations?: Record<string, string | null>;
  /** Precondition: the write fails with 409 unless the object still has this resourceVersion. */
  resourceVersion?: string;
}

/**
 * What the api role does with the KiadaServiceCount: read it, create it when missing, write
 * the desired replicas (with the decision that gave them) into its spec, and refresh the
 * signal annotation. Rejects with KubernetesApiError; `get` resolves null on 404.
 */
export abstract class ServiceCountSpecApi {
  abstract getServiceCount(namespace: string, name: string): Promise<KiadaServiceCount | null>;
  abstract createServiceCount(resource: KiadaServiceCount): Promise<KiadaServiceCount>;
  /** JSON merge patch of spec fields (and annotations), optionally preconditioned. */
  abstract patchServiceCountSpec(
    namespace: string,
    name: string,
    spec: Partial<KiadaServiceCountSpec>,
    options?: SpecPatchOptions,
  ): Promise<KiadaServiceCount>;
  /** JSON merge patch of annotations only (no precondition). */
  abstract annotateServiceCount(
    namespace: string,
    name: string,
    annotations: Record<string, string | null>,
  ): Promise<KiadaServiceCount>;
}
