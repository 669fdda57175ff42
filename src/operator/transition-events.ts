import type { Condition, KiadaServiceCountStatus } from '../kubernetes/kiada-service-count.js';
import type { EventRecord } from '../kubernetes/kubernetes.types.js';
import { CONDITION_PAUSED, CONDITION_SCALED, CONDITION_SIGNAL_FRESH } from './desired-status.js';
import { CONDITION_POLICY_VALID } from './policy-condition.js';
import type { ReconcilePlan } from './reconcile-plan.js';

export type PlannedEvent = Pick<EventRecord, 'type' | 'reason' | 'message'>;

const find = (status: KiadaServiceCountStatus | undefined, type: string): Condition | undefined =>
  status?.conditions?.find((condition) => condition.type === type);

/** Reasons of Scaled=False that mean this resource writes nothing: worth a Warning once. */
const BLOCKED_REASONS = new Set([
  'TargetNotFound',
  'TargetClaimed',
  'HorizontalPodAutoscalerPresent',
]);

/**
 * The Events a reconcile records, as a pure function of the status before and after it:
 * one per transition a person should know of (a pause starts or ends, an invalid pause
 * annotation, the signal is lost or back, spec.policy turns invalid, the target is missing
 * or owned by another scaler), and one when the operator scaled for a reason of its own (Scaled with
 * paused-replicas, Fallback). Events follow transitions, never every reconcile.
 *
 * A scale that carries out the api's decision records no Event of its own: the api already
 * recorded that decision as an Event on the same resource (as an HPA's SuccessfulRescale
 * is its decision), and the status's lastScaleTime and `Scaled` condition show it was
 * applied. One Event fewer per scale keeps a reconcile at two API writes. When such a
 * scale follows a pause's end or the signal's return, that Event names it.
 */
export function transitionEvents(
  previous: KiadaServiceCountStatus | undefined,
  next: KiadaServiceCountStatus,
  plan: ReconcilePlan,
  scaled?: { from: number; to: number },
): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  const change =
    scaled && `Scaled Deployment "${plan.targetName}" from ${scaled.from} to ${scaled.to} replicas`;
  if (change && plan.mode === 'fallback') {
    events.push({
      type: 'Warning',
      reason: 'Fallback',
      message: `${change}: ${plan.signalFresh.message}`,
    });
  } else if (change && plan.mode === 'paused') {
    events.push({ type: 'Normal', reason: 'Scaled', message: `${change} (paused-replicas)` });
  }
  /** The autoscaler's own scale, told in the transition that caused it. */
  const catchUp = change && plan.mode === 'autoscale' ? `; ${change}` : '';

  const pausedBefore = find(previous, CONDITION_PAUSED);
  const pausedNow = find(next, CONDITION_PAUSED);
  if (pausedNow?.status === 'True' && pausedBefore?.status !== 'True') {
    events.push({ type: 'Normal', reason: 'PauseStarted', message: pausedNow.message });
  } else if (pausedNow?.status !== 'True' && pausedBefore?.status === 'True') {
    const why =
      pausedNow?.reason === 'PauseExpired'
        ? pausedNow.message
        : 'The pause annotations were removed';
    events.push({
      type: 'Normal',
      reason: 'PauseEnded',
      message: `${why}: autoscaling again${catchUp}`,
    });
  }
  if (
    pausedNow?.reason === 'InvalidAnnotation' &&
    (pausedBefore?.reason !== 'InvalidAnnotation' || pausedBefore.message !== pausedNow.message)
  ) {
    events.push({ type: 'Warning', reason: 'InvalidAnnotation', message: pausedNow.message });
  }

  const signalBefore = find(previous, CONDITION_SIGNAL_FRESH);
  const signalNow = find(next, CONDITION_SIGNAL_FRESH);
  if (signalNow?.status === 'False' && signalBefore?.status !== 'False' && !scaled) {
    events.push({ type: 'Warning', reason: 'Fallback', message: signalNow.message });
  } else if (signalNow?.status === 'True' && signalBefore?.status === 'False') {
    events.push({
      type: 'Normal',
      reason: 'SignalRestored',
      message: `The api's signal is back: autoscaling as asked${catchUp}`,
    });
  }

  const policyBefore = find(previous, CONDITION_POLICY_VALID);
  const policyNow = find(next, CONDITION_POLICY_VALID);
  if (
    policyNow?.status === 'False' &&
    (policyBefore?.status !== 'False' || policyBefore.message !== policyNow.message)
  ) {
    events.push({ type: 'Warning', reason: policyNow.reason, message: policyNow.message });
  }

  const scaledBefore = find(previous, CONDITION_SCALED);
  const scaledNow = find(next, CONDITION_SCALED);
  if (
    scaledNow &&
    BLOCKED_REASONS.has(scaledNow.reason) &&
    scaledBefore?.reason !== scaledNow.reason
  ) {
    const message =
      scaledNow.reason === 'TargetNotFound'
        ? `${scaledNow.message}; will scale it once it exists`
        : scaledNow.message;
    events.push({ type: 'Warning', reason: scaledNow.reason, message });
  }
  return events;
}
