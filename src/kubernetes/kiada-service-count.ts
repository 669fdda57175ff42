/** The custom resource's coordinates (seed-compatible: hanyang.ac.kr/v1 KiadaServiceCount). */
export const KSC_GROUP = 'hanyang.ac.kr';
export const KSC_VERSION = 'v1';
export const KSC_KIND = 'KiadaServiceCount';
export const KSC_PLURAL = 'kiadaservicecounts';
export const KSC_API_VERSION = `${KSC_GROUP}/${KSC_VERSION}`;
export const DEFAULT_TARGET_NAME = 'kiada';
/** spec.fallback.staleAfterSeconds when absent. */
export const DEFAULT_STALE_AFTER_SECONDS = 120;

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  generation?: number;
  resourceVersion?: string;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A Kubernetes condition (metav1.Condition conventions). */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

/** What the operator does when the api's signal (the active-user count) is lost. */
export interface FallbackSpec {
  /** The signal is lost when the api has not refreshed it for this long (default 120). */
  staleAfterSeconds?: number;
  /** While it is lost, scale up to at least this many replicas (never down). */
  replicas?: number;
}

/** One tier of spec.policy: fewer than `belowUsers` active users -> `replicas`. */
export interface PolicyTierSpec {
  belowUsers: number;
  replicas: number;
}

/** A time window (cron start and end, in a time zone) with a minimum of replicas. */
export interface PolicyScheduleSpec {
  name: string;
  /** 5-field cron expression: the window opens at each of its times. */
  start: string;
  /** 5-field cron expression: the window closes at the first of its times after it opened. */
  end: string;
  /** IANA time zone name of start and end (default UTC). */
  timeZone?: string;
  minReplicas: number;
}

/** Scaling ahead of the users: the active users `lookaheadSeconds` ahead, from the last `windowSeconds`. */
export interface PolicyForecastSpec {
  lookaheadSeconds: number;
  windowSeconds: number;
}

/**
 * The scaling policy kept in the resource (docs/scaling.md, "Policy"). Every field is
 * optional: what is left out comes from the api's SCALING_* settings, field by field.
 */
export interface PolicySpec {
  tiers?: PolicyTierSpec[];
  stepUsers?: number;
  minReplicas?: number;
  maxReplicas?: number;
  scaleDown?: { stabilizationSeconds?: number };
  schedules?: PolicyScheduleSpec[];
  forecast?: PolicyForecastSpec;
}

export interface KiadaServiceCountSpec {
  owner?: string;
  /** Desired replicas of the target Deployment. */
  kiadaServiceCount: number;
  targetRef?: { name?: string };
  fallback?: FallbackSpec;
  policy?: PolicySpec;
}

/** Where the api's policy comes from: spec.policy, or its SCALING_* settings alone. */
export type PolicySource = 'resource' | 'environment';

export interface KiadaServiceCountStatus {
  ready?: boolean;
  observedGeneration?: number;
  /** The replicas the autoscaler asks for (spec.kiadaServiceCount), applied or not. */
  desiredReplicas?: number;
  replicas?: number;
  readyReplicas?: number;
  lastScaleTime?: string;
  /** Where the api's policy comes from, as the api last reported it. */
  policySource?: PolicySource;
  conditions?: Condition[];
}

export interface KiadaServiceCount {
  apiVersion: typeof KSC_API_VERSION;
  kind: typeof KSC_KIND;
  metadata: ObjectMeta;
  spec: KiadaServiceCountSpec;
  status?: KiadaServiceCountStatus;
}
