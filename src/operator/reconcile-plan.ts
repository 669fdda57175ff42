import type { KiadaServiceCount } from '../kubernetes/kiada-service-count.js';
import type { DeploymentState } from '../kubernetes/kubernetes.types.js';
import {
  parsePause,
  PauseState,
  signalState,
  SignalState,
} from '../kubernetes/service-count-annotations.js';
import type { ConditionCore } from './desired-status.js';
import type { Claim } from './ownership.js';
import { policyReport, type PolicyReport } from './policy-condition.js';
import { targetNameOf } from './target-ref.js';

/** How the operator sets the target: as asked, held by a pause, or by the fallback rules. */
export type ScaleMode = 'autoscale' | 'paused' | 'fallback';

export interface ReconcilePlan {
  targetName: string;
  /** What the autoscaler asks for: spec.kiadaServiceCount. */
  desired: number;
  /** What the Deployment should have; null when this resource must not write it. */
  target: number | null;
  /** Set when the Deployment must be scaled to `target`. */
  scaleTo?: number;
  mode: ScaleMode;
  /** Why nothing is written (no target, or another scaler owns it). */
  blocked?: { reason: string; message: string };
  pause: PauseState;
  signal: SignalState;
  paused: ConditionCore;
  signalFresh: ConditionCore;
  /** PolicyValid and the policy's source, as the api reported them. */
  policy: PolicyReport;
  /** Reconcile again after this long: a pause ends, or the signal turns stale. */
  requeueAfterMs?: number;
}

export interface PlanInput {
  resource: KiadaServiceCount;
  /** The target as the cache holds it, null when it does not exist. */
  deployment: DeploymentState | null;
  claim: Claim;
  now: number;
}

const iso = (time: number) => new Date(time).toISOString();

/**
 * What one reconcile should do, as a pure function of the resource, its target, who owns
 * the target and the time: the pause annotations (hold, or set N and hold, until a time),
 * the fallback when the api's signal is stale (never scale down; up to fallback.replicas),
 * else the replicas the autoscaler asks for.
 */
export function planReconcile({ resource, deployment, claim, now }: PlanInput): ReconcilePlan {
  const targetName = targetNameOf(resource);
  const desired = resource.spec.kiadaServiceCount;
  const pause = parsePause(resource.metadata.annotations, now);
  const signal = signalState(resource, now);
  const common = {
    targetName,
    desired,
    pause,
    signal,
    paused: pausedCondition(pause, targetName, desired, deployment),
    signalFresh: signalCondition(signal, resource.spec.fallback?.replicas),
    policy: policyReport(resource),
    requeueAfterMs: requeueAfter(pause, signal, now),
  };
  if (!deployment) {
    const message = `Deployment "${targetName}" not found in namespace "${resource.metadata.namespace ?? ''}"`;
    return {
      ...common,
      target: null,
      mode: 'autoscale',
      blocked: { reason: 'TargetNotFound', message },
    };
  }
  if (!claim.owner) {
    return {
      ...common,
      target: null,
      mode: 'autoscale',
      blocked: { reason: claim.reason, message: claim.message },
    };
  }
  let mode: ScaleMode = 'autoscale';
  let target = desired;
  if (pause.paused) {
    mode = 'paused';
    target = pause.replicas ?? deployment.replicas;
  } else if (signal.stale) {
    mode = 'fallback';
    target = Math.max(deployment.replicas, desired, resource.spec.fallback?.replicas ?? 0);
  }
  return {
    ...common,
    target,
    mode,
    ...(target !== deployment.replicas ? { scaleTo: target } : {}),
  };
}

function pausedCondition(
  pause: PauseState,
  targetName: string,
  desired: number,
  deployment: DeploymentState | null,
): ConditionCore {
  const type = 'Paused';
  if (pause.invalid.length > 0) {
    const problems = pause.invalid
      .map(({ annotation, value, expected }) => `${annotation} is "${value}", expected ${expected}`)
      .join('; ');
    return {
      type,
      status: 'False',
      reason: 'InvalidAnnotation',
      message: `${problems}: the pause annotations are ignored`,
    };
  }
  if (pause.paused) {
    const until = pause.until !== undefined ? ` until ${iso(pause.until)}` : '';
    const asks = `; the autoscaler asks for ${desired}`;
    return pause.replicas !== undefined
      ? {
          type,
          status: 'True',
          reason: 'PausedAtReplicas',
          message: `Deployment "${targetName}" set to ${pause.replicas} replicas and held${until}${asks}`,
        }
      : {
          type,
          status: 'True',
          reason: 'PausedByAnnotation',
          message: `Deployment "${targetName}" held at ${deployment?.replicas ?? 0} replicas${until}${asks}`,
        };
  }
  if (pause.expired) {
    return {
      type,
      status: 'False',
      reason: 'PauseExpired',
      message: `The pause ended at ${iso(pause.until!)} (paused-until)`,
    };
  }
  return { type, status: 'False', reason: 'NotPaused', message: 'No pause annotation' };
}

function signalCondition(signal: SignalState, fallbackReplicas: number | undefined): ConditionCore {
  const type = 'SignalFresh';
  const after = `stale after ${signal.staleAfterMs / 1000} s`;
  if (!signal.known) {
    return {
      type,
      status: 'Unknown',
      reason: 'NoSignal',
      message:
        'No api has written autoscaling.hanyang.ac.kr/signal-at yet: the fallback is not armed',
    };
  }
  if (signal.stale) {
    const up =
      fallbackReplicas !== undefined ? `, scaling up to fallback.replicas ${fallbackReplicas}` : '';
    return {
      type,
      status: 'False',
      reason: 'SignalStale',
      message: `No signal from the api since ${iso(signal.at!)} (${after}): not scaling down${up}`,
    };
  }
  return {
    type,
    status: 'True',
    reason: 'SignalFresh',
    message: `The api refreshes its signal (${after} without it)`,
  };
}

function requeueAfter(pause: PauseState, signal: SignalState, now: number): number | undefined {
  const times = [
    pause.paused && pause.until !== undefined ? pause.until : undefined,
    signal.known && !signal.stale ? signal.staleAt : undefined,
  ].filter((time): time is number => time !== undefined);
  return times.length ? Math.max(0, Math.min(...times) - now) : undefined;
}
