import type { KiadaServiceCount, ObjectMeta } from './kiada-service-count.js';

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

/** The part of an autoscaling/v2 HorizontalPodAutoscaler the operator reads: its target. */
export interface HorizontalPodAutoscalerState {
  metadata: ObjectMeta;
  scaleTargetRef: { apiVersion?: string; kind: string; name: string };
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
  HorizontalPodAutoscaler: HorizontalPodAutoscalerState;
}
export type WatchableKind = keyof WatchableKinds;

/** Narrows a list or watch; `name`: only the object of that name (fieldSelector metadata.name). */
export interface ListWatchOptions {
  name?: string;
}

export interface WatchCallbacks<T> {
  onEvent(type: WatchEventType, object: T): void;
  /** Called once when the watch ends: with an error (e.g. 410 Gone), or without on a clean close. */
  onDone(error?: unknown): void;
}
