import {
  CoreV1Event,
  V1Deployment,
  V2HorizontalPodAutoscaler,
  V1Lease,
  V1MicroTime,
} from '#kubernetes-client';
import type { ObjectMeta } from '../kiada-service-count.js';
import type {
  DeploymentState,
  EventRecord,
  HorizontalPodAutoscalerState,
  LeaseState,
} from '../kubernetes.types.js';

/** Who records Events (`source.component`, `reportingInstance`: the pod). */
export interface EventSource {
  component: string;
  instance: string;
}

/** Conversions between client-node's objects and the ports' own types. */
function isoOf(value: unknown): string | undefined {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : undefined;
}

export function toMeta(metadata: V1Deployment['metadata'] | undefined): ObjectMeta {
  const meta: ObjectMeta = { name: metadata?.name ?? '' };
  if (metadata?.namespace) meta.namespace = metadata.namespace;
  if (metadata?.uid) meta.uid = metadata.uid;
  if (metadata?.generation !== undefined) meta.generation = metadata.generation;
  if (metadata?.resourceVersion) meta.resourceVersion = metadata.resourceVersion;
  const created = isoOf(metadata?.creationTimestamp);
  if (created) meta.creationTimestamp = created;
  if (metadata?.labels) meta.labels = metadata.labels;
  if (metadata?.annotations) meta.annotations = metadata.annotations;
  return meta;
}

/** Works on deserialised objects and on raw watch JSON alike. */
export function toDeploymentState(deployment: V1Deployment): DeploymentState {
  return {
    metadata: toMeta(deployment.metadata),
    replicas: deployment.spec?.replicas ?? 1,
    readyReplicas: deployment.status?.readyReplicas ?? 0,
    observedGeneration: deployment.status?.observedGeneration ?? 0,
  };
}

/** Works on deserialised objects and on raw watch JSON alike. */
export function toHorizontalPodAutoscalerState(
  hpa: V2HorizontalPodAutoscaler,
): HorizontalPodAutoscalerState {
  const target = hpa.spec?.scaleTargetRef;
  return {
    metadata: toMeta(hpa.metadata),
    scaleTargetRef: {
      ...(target?.apiVersion ? { apiVersion: target.apiVersion } : {}),
      kind: target?.kind ?? '',
      name: target?.name ?? '',
    },
  };
}

export function toLeaseState(lease: V1Lease): LeaseState {
  const spec = lease.spec ?? {};
  const state: LeaseState = { metadata: toMeta(lease.metadata) };
  if (spec.holderIdentity) state.holderIdentity = spec.holderIdentity;
  if (spec.leaseDurationSeconds !== undefined)
    state.leaseDurationSeconds = spec.leaseDurationSeconds;
  const acquireTime = isoOf(spec.acquireTime);
  if (acquireTime) state.acquireTime = acquireTime;
  const renewTime = isoOf(spec.renewTime);
  if (renewTime) state.renewTime = renewTime;
  if (spec.leaseTransitions !== undefined) state.leaseTransitions = spec.leaseTransitions;
  return state;
}

export function toV1Lease(lease: LeaseState): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: lease.metadata.name,
      namespace: lease.metadata.namespace,
      resourceVersion: lease.metadata.resourceVersion,
      labels: lease.metadata.labels,
      annotations: lease.metadata.annotations,
    },
    spec: {
      holderIdentity: lease.holderIdentity,
      leaseDurationSeconds: lease.leaseDurationSeconds,
      leaseTransitions: lease.leaseTransitions,
      // MicroTime: the API server wants microsecond precision, which V1MicroTime writes.
      acquireTime: lease.acquireTime ? new V1MicroTime(lease.acquireTime) : undefined,
      renewTime: lease.renewTime ? new V1MicroTime(lease.renewTime) : undefined,
    },
  };
}

/** A new core/v1 Event, named after its object and time like client-go's recorder. */
export function toV1Event(event: EventRecord, source: EventSource, now: Date): CoreV1Event {
  const object = event.involvedObject;
  return {
    metadata: {
      name: `${object.name}.${now.getTime().toString(16)}${Math.floor(Math.random() * 0xfff).toString(16)}`,
      namespace: event.namespace,
    },
    involvedObject: object,
    type: event.type,
    reason: event.reason,
    message: event.message,
    count: 1,
    firstTimestamp: now,
    lastTimestamp: now,
    source: { component: source.component, ...(source.instance ? { host: source.instance } : {}) },
    reportingComponent: source.component,
    reportingInstance: source.instance || source.component,
  };
}
