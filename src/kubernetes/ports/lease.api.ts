import type { LeaseState } from '../kubernetes.types.js';

/** coordination.k8s.io/v1 Leases, for leader election. Rejects with KubernetesApiError. */
export abstract class LeaseApi {
  /** Resolves null on 404. */
  abstract getLease(namespace: string, name: string): Promise<LeaseState | null>;
  abstract createLease(lease: LeaseState): Promise<LeaseState>;
  /** Replaces the Lease; rejects with 409 when metadata.resourceVersion is stale. */
  abstract replaceLease(lease: LeaseState): Promise<LeaseState>;
}
