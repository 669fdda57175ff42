import { createHash } from 'node:crypto';
import {
  DEFAULT_STALE_AFTER_SECONDS,
  type FallbackSpec,
  type KiadaServiceCount,
  type PolicySource,
  type PolicySpec,
} from './kiada-service-count.js';

/**
 * The annotations of a KiadaServiceCount and what they mean, as pure functions shared by
 * the api (which writes signal-at and decision) and the operator (which honours the pause
 * annotations and judges the signal).
 */
const PREFIX = 'autoscaling.hanyang.ac.kr/';
/** "true": hold the Deployment as it is. */
export const PAUSED = `${PREFIX}paused`;
/** "<int >= 0>": set the Deployment to this many replicas and hold it. */
export const PAUSED_REPLICAS = `${PREFIX}paused-replicas`;
/** "<RFC 3339 time>": the pause ends by itself then. */
export const PAUSED_UNTIL = `${PREFIX}paused-until`;
/** Written by the api: when it last counted the active users (RFC 3339). */
export const SIGNAL_AT = `${PREFIX}signal-at`;
/** Written by the api with each decision: what it decided and when (JSON). */
export const DECISION = `${PREFIX}decision`;
/** Written by the api: its verdict on spec.policy and the policy it applies (JSON). */
export const POLICY = `${PREFIX}policy`;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
/** No Deployment of ours needs more; a larger number is a typo. */
const MAX_PAUSED_REPLICAS = 100_000;

export interface InvalidAnnotation {
  annotation: string;
  value: string;
  expected: string;
}

export interface PauseState {
  paused: boolean;
  /** paused-replicas: the Deployment is set to this and held. */
  replicas?: number;
  /** paused-until, epoch ms. */
  until?: number;
  /** A pause was asked for, but its paused-until has passed. */
  expired: boolean;
  /** Pause annotations whose value is not valid: then the whole pause request is ignored. */
  invalid: InvalidAnnotation[];
}

type Annotations = Record<string, string> | undefined;

/** The RFC 3339 time in epoch ms, or undefined when `value` is not one. */
export function parseRfc3339(value: string): number | undefined {
  if (!RFC3339.test(value.trim())) return undefined;
  const time = Date.parse(value.trim());
  return Number.isNaN(time) ? undefined : time;
}

/**
 * Whether the resource is paused at `now`. Any of the three annotations asks for a pause
 * (paused-until alone pauses until then); `paused: "false"` turns it off. An invalid value
 * in any of them changes nothing: the request is ignored and reported in `invalid`.
 */
export function parsePause(annotations: Annotations, now: number): PauseState {
  const invalid: InvalidAnnotation[] = [];
  const flag = annotations?.[PAUSED];
  const replicasValue = annotations?.[PAUSED_REPLICAS];
  const untilValue = annotations?.[PAUSED_UNTIL];

  let flagOn: boolean | undefined;
  if (flag !== undefined) {
    const normalized = flag.trim().toLowerCase();
    if (normalized === 'true' || normalized === 'false') flagOn = normalized === 'true';
    else invalid.push({ annotation: PAUSED, value: flag, expected: '"true" or "false"' });
  }
  let replicas: number | undefined;
  if (replicasValue !== undefined) {
    const trimmed = replicasValue.trim();
    if (/^\d+$/.test(trimmed) && Number(trimmed) <= MAX_PAUSED_REPLICAS) replicas = Number(trimmed);
    else
      invalid.push({
        annotation: PAUSED_REPLICAS,
        value: replicasValue,
        expected: `an integer from 0 to ${MAX_PAUSED_REPLICAS}`,
      });
  }
  let until: number | undefined;
  if (untilValue !== undefined) {
    until = parseRfc3339(untilValue);
    if (until === undefined)
      invalid.push({
        annotation: PAUSED_UNTIL,
        value: untilValue,
        expected: 'an RFC 3339 time such as 2026-12-01T09:00:00Z',
      });
  }

  if (invalid.length > 0) return { paused: false, expired: false, invalid };
  const asked =
    flagOn === true || (flagOn === undefined && (replicas !== undefined || until !== undefined));
  if (!asked) return { paused: false, expired: false, invalid };
  if (until !== undefined && until <= now) return { paused: false, until, expired: true, invalid };
  return { paused: true, replicas, until, expired: false, invalid };
}

export interface SignalState {
  /** False when the api has never written signal-at (a resource without an api). */
  known: boolean;
  /** When the api last counted, epoch ms. */
  at?: number;
  staleAfterMs: number;
  /** When the signal becomes (or became) stale, epoch ms. */
  staleAt?: number;
  /** Known and older than staleAfterSeconds. */
  stale: boolean;
}

/** How fresh the api's signal is at `now`, by spec.fallback.staleAfterSeconds. */
export function signalState(
  resource: Pick<KiadaServiceCount, 'metadata' | 'spec'>,
  now: number,
): SignalState {
  const staleAfterMs = staleAfterSecondsOf(resource.spec.fallback) * 1000;
  const value = resource.metadata.annotations?.[SIGNAL_AT];
  const at = value === undefined ? undefined : parseRfc3339(value);
  if (at === undefined) return { known: false, staleAfterMs, stale: false };
  const staleAt = at + staleAfterMs;
  return { known: true, at, staleAfterMs, staleAt, stale: now >= staleAt };
}

export function staleAfterSecondsOf(fallback: FallbackSpec | undefined): number {
  return fallback?.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS;
}

/** What the api writes into the decision annotation. */
export interface DecisionStamp {
  reason: string;
  /** The replicas decided (spec.kiadaServiceCount). */
  replicas: number;
  /** What the policy recommended (differs from replicas while a rule holds it). */
  recommended: number;
  /** Epoch ms of the decision. */
  at: number;
}

export function formatDecisionStamp(stamp: DecisionStamp): string {
  return JSON.stringify({
    reason: stamp.reason,
    replicas: stamp.replicas,
    recommended: stamp.recommended,
    at: new Date(stamp.at).toISOString(),
  });
}

/** The decision annotation, or undefined when absent or not one of ours. */
export function parseDecisionStamp(annotations: Annotations): DecisionStamp | undefined {
  const value = annotations?.[DECISION];
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    const at = typeof parsed.at === 'string' ? parseRfc3339(parsed.at) : undefined;
    if (
      typeof parsed.reason !== 'string' ||
      !Number.isInteger(parsed.replicas) ||
      !Number.isInteger(parsed.recommended) ||
      at === undefined
    ) {
      return undefined;
    }
    return {
      reason: parsed.reason,
      replicas: parsed.replicas as number,
      recommended: parsed.recommended as number,
      at,
    };
  } catch {
    return undefined;
  }
}

/** What the api writes into the policy annotation; the operator turns it into PolicyValid. */
export interface PolicyVerdict {
  /** policyDigest() of the spec.policy judged: the verdict is current while they match. */
  checked: string;
  valid: boolean;
  /** What is wrong (valid false): the field, the value, the fix. */
  message?: string;
  /** Where the policy the api applies comes from. */
  source: PolicySource;
  /** The spec.policy the api applies (the last valid one); null when it applies only SCALING_*. */
  applied: PolicySpec | null;
}

/** A short digest of spec.policy ("none" when absent), independent of key order. */
export function policyDigest(policy: PolicySpec | undefined): string {
  if (policy === undefined) return 'none';
  return createHash('sha256').update(canonicalJson(policy)).digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(
          Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : item,
  );
}

export function formatPolicyVerdict(verdict: PolicyVerdict): string {
  return JSON.stringify({
    checked: verdict.checked,
    valid: verdict.valid,
    ...(verdict.message !== undefined ? { message: verdict.message } : {}),
    source: verdict.source,
    applied: verdict.applied,
  });
}

/** The policy annotation, or undefined when absent or not one of ours. */
export function parsePolicyVerdict(annotations: Annotations): PolicyVerdict | undefined {
  const value = annotations?.[POLICY];
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(value) as Record<string, unknown>;
    const { checked, valid, message, source, applied } = parsed;
    if (
      typeof checked !== 'string' ||
      typeof valid !== 'boolean' ||
      (message !== undefined && typeof message !== 'string') ||
      (source !== 'resource' && source !== 'environment') ||
      (applied !== null && (typeof applied !== 'object' || Array.isArray(applied)))
    ) {
      return undefined;
    }
    return {
      checked,
      valid,
      ...(message !== undefined ? { message } : {}),
      source,
      applied: applied as PolicySpec | null,
    };
  } catch {
    return undefined;
  }
}
