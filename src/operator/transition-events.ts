import type { Condition, KiadaServiceCountStatus } from '../kubernetes/kiada-service-count.js';
import type { EventRecord } from '../kubernetes/kubernetes.types.js';
import { CONDITION_PAUSED, CONDITION_SCALED, CONDITION_SIGNAL_FRESH } from './desired-status.js';
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
 * one when the operator scaled (Scaled, or Fallback when the fallback rules did it), and
 * one per transition a person should know of (a pause starts or ends, an invalid pause
 * annotation, the signal is lost or back, the target is missing or owned by another
 * scaler). Events follow transitions, never every reconcile.
 */
export function transitionEvents(
  previous: KiadaServiceCountStatus | undefined,
  next: KiadaServiceCountStatus,
  plan: ReconcilePlan,
  scaled?: { from: number; to: number },
): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  if (scaled) {
    const change = `Scaled Deployment "${plan.targetName}" from ${scaled.from} to ${scaled.to} replicas`;
    if (plan.mode === 'fallback') {
      events.push({
        type: 'Warning',
        reason: 'Fallback',
        message: `${change}: ${plan.signalFresh.message}`,
      });
    } else {
      const note = plan.mode === 'paused' ? ' (paused-replicas)' : '';
      events.push({ type: 'Normal', reason: 'Scaled', message: `${change}${note}` });
    }
  }

  const pausedBefore = find(previous, CONDITION_PAUSED);
  const pausedNow = find(next, CONDITION_PAUSED);
  if (pausedNow?.status === 'True' && pausedBefore?.status !== 'True') {
    events.push({ type: 'Normal', reason: 'PauseStarted', message: pausedNow.message });
  } else if (pausedNow?.status !== 'True' && pausedBefore?.status === 'True') {
    const why =
      pausedNow?.reason === 'PauseExpired'
        ? pausedNow.message
        : 'The pause annotations were removed';
    events.push({ type: 'Normal', reason: 'PauseEnded', message: `${why}: autoscaling again` });
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
      message: "The api's signal is back: autoscaling as asked",
    });
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
