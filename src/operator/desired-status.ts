import type {
  Condition,
  KiadaServiceCount,
  KiadaServiceCountStatus,
} from '../kubernetes/kiada-service-count.js';
import type { DeploymentState } from '../kubernetes/kubernetes.types.js';
import type { ReconcilePlan } from './reconcile-plan.js';

export const CONDITION_SCALED = 'Scaled';
export const CONDITION_READY = 'Ready';
export const CONDITION_PAUSED = 'Paused';
export const CONDITION_SIGNAL_FRESH = 'SignalFresh';

export type ConditionCore = Pick<Condition, 'type' | 'status' | 'reason' | 'message'>;

export interface StatusInput {
  resource: Pick<KiadaServiceCount, 'metadata' | 'spec' | 'status'>;
  plan: ReconcilePlan;
  /** The target as it is after this reconcile's scale, null when it does not exist. */
  deployment: DeploymentState | null;
  /** Set when this reconcile changed the target's replicas. */
  scaledAt?: string;
  /** ISO time used for conditions that change now. */
  now: string;
}

const HOLD_NOTE: Record<ReconcilePlan['mode'], string> = {
  autoscale: '',
  paused: ' (held while paused)',
  fallback: ' (fallback: the signal is stale)',
};

/**
 * The status a KiadaServiceCount should have, as a pure function of the resource, the
 * reconcile plan and the target. Conditions follow Kubernetes conventions:
 * `lastTransitionTime` moves only when a condition's status changes, and no message holds
 * a time that moves by itself, so an unchanged world yields an identical status (and the
 * operator writes nothing when idle).
 */
export function desiredStatus(input: StatusInput): KiadaServiceCountStatus {
  const { resource, deployment, plan } = input;
  const { targetName } = plan;
  const generation = resource.metadata.generation;
  const previous = resource.status ?? {};

  let scaled: ConditionCore;
  let ready: ConditionCore;
  if (plan.blocked || !deployment || plan.target === null) {
    const { reason, message } = plan.blocked ?? { reason: 'TargetNotFound', message: '' };
    scaled = { type: CONDITION_SCALED, status: 'False', reason, message };
    ready = { type: CONDITION_READY, status: 'False', reason, message };
  } else {
    const target = plan.target;
    scaled =
      deployment.replicas === target
        ? {
            type: CONDITION_SCALED,
            status: 'True',
            reason: 'ReplicasMatch',
            message: `Deployment "${targetName}" is set to ${target} replicas${HOLD_NOTE[plan.mode]}`,
          }
        : {
            type: CONDITION_SCALED,
            status: 'False',
            reason: 'ReplicasDiffer',
            message: `Deployment "${targetName}" is set to ${deployment.replicas} replicas, want ${target}`,
          };
    const allReady = deployment.replicas === target && deployment.readyReplicas === target;
    ready = {
      type: CONDITION_READY,
      status: allReady ? 'True' : 'False',
      reason: allReady ? 'ReplicasReady' : 'ReplicasNotReady',
      message: `${deployment.readyReplicas}/${target} replicas of Deployment "${targetName}" ready`,
    };
  }

  const conditions = [scaled, ready, plan.paused, plan.signalFresh, plan.policy.policyValid].map(
    (condition) => withTransitionTime(condition, previous.conditions, input.now, generation),
  );
  const status: KiadaServiceCountStatus = {
    ready: ready.status === 'True',
    desiredReplicas: plan.desired,
    replicas: deployment?.replicas ?? 0,
    readyReplicas: deployment?.readyReplicas ?? 0,
    conditions,
  };
  if (generation !== undefined) status.observedGeneration = generation;
  if (plan.policy.policySource) status.policySource = plan.policy.policySource;
  const lastScaleTime = input.scaledAt ?? previous.lastScaleTime;
  if (lastScaleTime) status.lastScaleTime = lastScaleTime;
  return status;
}

function withTransitionTime(
  condition: ConditionCore,
  previous: Condition[] | undefined,
  now: string,
  observedGeneration: number | undefined,
): Condition {
  const before = previous?.find((item) => item.type === condition.type);
  const lastTransitionTime =
    before && before.status === condition.status && before.lastTransitionTime
      ? before.lastTransitionTime
      : now;
  return {
    ...condition,
    lastTransitionTime,
    ...(observedGeneration !== undefined ? { observedGeneration } : {}),
  };
}

/**
 * True when merge-patching `next` would change nothing the API server holds (fields of
 * `current` that `next` does not mention are left alone by a merge patch).
 */
export function statusEquals(
  current: KiadaServiceCountStatus | undefined,
  next: KiadaServiceCountStatus,
): boolean {
  const before = (current ?? {}) as Record<string, unknown>;
  return Object.entries(next).every(
    ([field, value]) => canonical(before[field]) === canonical(value),
  );
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>)
            .filter(([, field]) => field !== undefined)
            .sort(([a], [b]) => a.localeCompare(b)),
        )
      : item,
  );
}
