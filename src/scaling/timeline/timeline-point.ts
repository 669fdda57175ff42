import type {
  Condition,
  KiadaServiceCount,
  PolicySource,
} from '../../kubernetes/kiada-service-count.js';
import { traceOf } from '../decision.js';
import type { BaseRuleName } from '../rules/scaling-rules.js';
import type { ScalingState } from '../scaling.service.js';
import type { OpenSchedule } from '../schedules/schedule-windows.js';

/** One point of the dashboard's chart: the signal and the replicas at a moment. */
export interface TimelinePoint {
  /** Epoch ms. */
  at: number;
  activeUsers: number | null;
  /** This api's decision (what it writes to spec.kiadaServiceCount). */
  desiredReplicas: number | null;
  /** The Deployment's replicas as the operator reports them (status.replicas). */
  replicas: number | null;
  /** Ready pods of the Deployment (status.readyReplicas). */
  readyReplicas: number | null;
}

/** What the dashboard's header shows: a point, the rules that applied and the conditions. */
export interface ScalingSnapshot extends TimelinePoint {
  recommendedReplicas: number | null;
  /** The rule that gave the base value: a tier (by index) or steps past the last tier. */
  rule: BaseRuleName | null;
  ruleIndex: number | null;
  /** The last decision's trace: "tier 2 -> 3; schedule office-hours min 5 until 18:00 UTC; -> 5". */
  trace: string | null;
  policySource: PolicySource;
  /** The schedules' windows open now. */
  openSchedules: OpenSchedule[];
  conditions: Array<Pick<Condition, 'type' | 'status' | 'reason' | 'message'>>;
}

/** The snapshot at `at` from the scaling state and the resource as last seen (pure). */
export function scalingSnapshot(
  at: number,
  state: Pick<
    ScalingState,
    'activeUsers' | 'recommendedReplicas' | 'lastDecision' | 'openSchedules' | 'policy'
  >,
  resource: KiadaServiceCount | undefined,
): ScalingSnapshot {
  const recommendation = state.lastDecision?.recommendation;
  return {
    at,
    activeUsers: state.activeUsers,
    desiredReplicas: state.lastDecision?.replicas ?? null,
    replicas: resource?.status?.replicas ?? null,
    readyReplicas: resource?.status?.readyReplicas ?? null,
    recommendedReplicas: state.recommendedReplicas,
    rule: recommendation?.rule ?? null,
    ruleIndex: recommendation?.index ?? null,
    trace: state.lastDecision ? traceOf(state.lastDecision) : null,
    policySource: state.policy.source,
    openSchedules: state.openSchedules,
    conditions: (resource?.status?.conditions ?? []).map(({ type, status, reason, message }) => ({
      type,
      status,
      reason,
      message,
    })),
  };
}

/** The chart's part of a snapshot. */
export function timelinePoint(snapshot: ScalingSnapshot): TimelinePoint {
  const { at, activeUsers, desiredReplicas, replicas, readyReplicas } = snapshot;
  return { at, activeUsers, desiredReplicas, replicas, readyReplicas };
}

/** Whether two snapshots say the same thing (their times aside). */
export function sameSnapshot(a: ScalingSnapshot, b: ScalingSnapshot): boolean {
  return JSON.stringify({ ...a, at: 0 }) === JSON.stringify({ ...b, at: 0 });
}
