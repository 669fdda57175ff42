import type { KiadaServiceCount, KiadaServiceCountStatus } from '../kiada-service-count.js';

/**
 * What the operator does with a KiadaServiceCount: read it and write its status (through
 * the status subresource). Rejects with KubernetesApiError; `get` resolves null on 404.
 */
export abstract class ServiceCountStatusApi {
  abstract getServiceCount(namespace: string, name: string): Promise<KiadaServiceCount | null>;
  /** JSON merge patch through the status subresource. */
  abstract patchServiceCountStatus(
    namespace: string,
    name: string,
    status: KiadaServiceCountStatus,
  ): Promise<KiadaServiceCount>;
}
