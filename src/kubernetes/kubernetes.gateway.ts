import type {
  KiadaServiceCount,
  KiadaServiceCountSpec,
  KiadaServiceCountStatus,
  ObjectMeta,
} from './kiada-service-count.js';

/** The part of a Deployment the autoscaler reads. */
export interface DeploymentState {
  metadata: ObjectMeta;
  /** spec.replicas (Kubernetes defaults it to 1). */
  replicas: number;
  /** status.readyReplicas, 0 when absent. */
  readyReplicas: number;
  /** status.observedGeneration, 0 when absent. */
  observedGeneration: number;
}

/** A coordination.k8s.io/v1 Lease, as leader election uses it. */
export interface LeaseState {
  metadata: ObjectMeta;
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** A core/v1 Event about one object. */
export interface EventRecord {
  namespace: string;
  involvedObject: {
    apiVersion: string;
    kind: string;
    name: string;
    namespace: string;
    uid?: string;
  };
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';

export interface ListResult<T> {
  items: T[];
  resourceVersion: string;
}

export interface WatchHandle {
  stop(): void;
}

/** Kinds that can be listed and watched, with the object type each yields. */
export interface WatchableKinds {
  KiadaServiceCount: KiadaServiceCount;
  Deployment: DeploymentState;
}
export type WatchableKind = keyof WatchableKinds;

export interface WatchCallbacks<T> {
  onEvent(type: WatchEventType, object: T): void;
  /** Called once when the watch ends: with an error (e.g. 410 Gone), or without on a clean close. */
  onDone(error?: unknown): void;
}

/**
 * The one port through which the application talks to Kubernetes. The real adapter wraps
 * @kubernetes/client-node; unit tests bind InMemoryKubernetesGateway. Every method rejects
 * with KubernetesApiError; `get*` methods resolve null on 404.
 */
export abstract class KubernetesGateway {
  abstract getServiceCount(namespace: string, name: string): Promise<KiadaServiceCount | null>;
  abstract createServiceCount(resource: KiadaServiceCount): Promise<KiadaServiceCount>;
  /** JSON merge patch of spec fields. */
  abstract patchServiceCountSpec(
    namespace: string,
    name: string,
    spec: Partial<KiadaServiceCountSpec>,
  ): Promise<KiadaServiceCount>;
  /** JSON merge patch through the status subresource. */
  abstract patchServiceCountStatus(
    namespace: string,
    name: string,
    status: KiadaServiceCountStatus,
  ): Promise<KiadaServiceCount>;

  abstract getDeployment(namespace: string, name: string): Promise<DeploymentState | null>;
  /** Sets spec.replicas through the Deployment's scale subresource. */
  abstract scaleDeployment(namespace: string, name: string, replicas: number): Promise<void>;

  /** `namespace` undefined: all namespaces. */
  abstract list<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
  ): Promise<ListResult<WatchableKinds[K]>>;
  abstract watch<K extends WatchableKind>(
    kind: K,
    namespace: string | undefined,
    resourceVersion: string,
    callbacks: WatchCallbacks<WatchableKinds[K]>,
  ): Promise<WatchHandle>;

  abstract recordEvent(event: EventRecord): Promise<void>;

  abstract getLease(namespace: string, name: string): Promise<LeaseState | null>;
  abstract createLease(lease: LeaseState): Promise<LeaseState>;
  /** Replaces the Lease; rejects with 409 when metadata.resourceVersion is stale. */
  abstract replaceLease(lease: LeaseState): Promise<LeaseState>;
}
