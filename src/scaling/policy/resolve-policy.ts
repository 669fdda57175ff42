import type { PolicySpec } from '../../kubernetes/kiada-service-count.js';
import { cronProblem, timeZoneProblem } from '../schedules/schedule-windows.js';
import { DEFAULT_TIME_ZONE, type Schedule, type ScalingPolicy } from './scaling-policy.js';

export type PolicyCheck =
  { valid: true; policy: ScalingPolicy } | { valid: false; problems: string[] };

/** Longest lookahead and forecast window (the count history kept is one window). */
export const MAX_FORECAST_SECONDS = 3_600;
/** Longest scale-down window, as SCALING_STABILIZATION_SECONDS. */
const MAX_STABILIZATION_SECONDS = 86_400;
const FIELD = 'spec.policy';

const isInt = (value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

/**
 * spec.policy merged field by field over the environment's policy, and checked as a whole:
 * everything the CRD's schema and CEL rules check again (a resource stored before them, a
 * client that skipped validation), plus what they cannot: cron expressions, time zones,
 * and the bounds against the SCALING_* values it inherits. Either the whole policy is
 * valid or none of it is used; every problem names its field. Pure (`now`: whether a cron
 * expression still occurs).
 */
export function resolvePolicy(
  spec: PolicySpec | undefined,
  environment: ScalingPolicy,
  now: number,
): PolicyCheck {
  if (spec === undefined) return { valid: true, policy: environment };
  const problems: string[] = [];
  const problem = (field: string, text: string) => problems.push(`${FIELD}.${field} ${text}`);
  const int = (field: string, value: unknown, min: number, max?: number) => {
    if (value === undefined || isInt(value, min, max)) return true;
    problem(
      field,
      `must be an integer from ${min}${max === undefined ? '' : ` to ${max}`} (got ${JSON.stringify(value)})`,
    );
    return false;
  };
  if (spec.tiers !== undefined) checkTiers(spec.tiers, problem);
  int('stepUsers', spec.stepUsers, 1);
  const minOk = int('minReplicas', spec.minReplicas, 0);
  const maxOk = int('maxReplicas', spec.maxReplicas, 0);
  int(
    'scaleDown.stabilizationSeconds',
    spec.scaleDown?.stabilizationSeconds,
    0,
    MAX_STABILIZATION_SECONDS,
  );
  const minReplicas = spec.minReplicas ?? environment.minReplicas;
  const maxReplicas = spec.maxReplicas ?? environment.maxReplicas;
  if (minOk && maxOk && minReplicas > maxReplicas) {
    const where = (field: 'minReplicas' | 'maxReplicas', variable: string) =>
      spec[field] === undefined ? `${variable} (${field} is not set)` : `${FIELD}.${field}`;
    problems.push(
      `${where('minReplicas', 'SCALING_MIN_REPLICAS')} ${minReplicas} is above ${where('maxReplicas', 'SCALING_MAX_REPLICAS')} ${maxReplicas}: set both in spec.policy`,
    );
  }
  const schedules = checkSchedules(spec.schedules ?? [], problem, int, now);
  if (spec.forecast !== undefined) {
    int('forecast.lookaheadSeconds', spec.forecast.lookaheadSeconds, 1, MAX_FORECAST_SECONDS);
    int('forecast.windowSeconds', spec.forecast.windowSeconds, 1, MAX_FORECAST_SECONDS);
  }
  if (problems.length > 0) return { valid: false, problems };
  return {
    valid: true,
    policy: {
      tiers: (spec.tiers ?? environment.tiers).map(({ belowUsers, replicas }) => ({
        belowUsers,
        replicas,
      })),
      stepUsers: spec.stepUsers ?? environment.stepUsers,
      minReplicas,
      maxReplicas,
      stabilizationSeconds:
        spec.scaleDown?.stabilizationSeconds ?? environment.stabilizationSeconds,
      schedules,
      forecast: spec.forecast
        ? {
            lookaheadSeconds: spec.forecast.lookaheadSeconds,
            windowSeconds: spec.forecast.windowSeconds,
          }
        : null,
    },
  };
}

type Problem = (field: string, text: string) => void;

function checkTiers(tiers: unknown, problem: Problem): void {
  if (!Array.isArray(tiers) || tiers.length === 0) {
    problem('tiers', 'must list at least one tier { belowUsers, replicas }');
    return;
  }
  tiers.forEach((tier: { belowUsers?: unknown; replicas?: unknown }, index) => {
    if (!isInt(tier?.belowUsers, 0) || !isInt(tier?.replicas, 0)) {
      problem(`tiers[${index}]`, 'must have belowUsers and replicas, integers >= 0');
      return;
    }
    const previous = tiers[index - 1] as { belowUsers: number; replicas: number } | undefined;
    if (previous && tier.belowUsers <= previous.belowUsers) {
      problem(
        `tiers[${index}].belowUsers`,
        `${tier.belowUsers} must be above the previous tier's ${previous.belowUsers} (strictly increasing)`,
      );
    }
    if (previous && tier.replicas < previous.replicas) {
      problem(
        `tiers[${index}].replicas`,
        `${tier.replicas} must not be below the previous tier's ${previous.replicas}`,
      );
    }
  });
}

function checkSchedules(
  specs: unknown,
  problem: Problem,
  int: (field: string, value: unknown, min: number) => boolean,
  now: number,
): Schedule[] {
  if (!Array.isArray(specs)) {
    problem('schedules', 'must be a list');
    return [];
  }
  const names = new Set<string>();
  return specs.map((spec: Partial<Schedule>, index): Schedule => {
    const field = `schedules[${index}]`;
    const name = typeof spec?.name === 'string' ? spec.name : '';
    if (name.length === 0) problem(`${field}.name`, 'must be set');
    else if (names.has(name)) problem(`${field}.name`, `"${name}" is used by an earlier schedule`);
    names.add(name);
    const timeZone = spec?.timeZone ?? DEFAULT_TIME_ZONE;
    const zoneProblem =
      typeof timeZone === 'string' ? timeZoneProblem(timeZone) : 'must be a string';
    if (zoneProblem) problem(`${field}.timeZone`, zoneProblem);
    for (const key of ['start', 'end'] as const) {
      const expression = spec?.[key];
      if (typeof expression !== 'string') problem(`${field}.${key}`, 'must be a cron expression');
      else if (!zoneProblem) {
        const cron = cronProblem(expression, timeZone, now);
        if (cron) problem(`${field}.${key}`, cron);
      }
    }
    if (typeof spec?.start === 'string' && spec.start.trim() === spec.end?.trim()) {
      problem(`${field}.end`, 'must differ from start (the window would never be open)');
    }
    int(`${field}.minReplicas`, spec?.minReplicas, 0);
    return {
      name,
      start: String(spec?.start),
      end: String(spec?.end),
      timeZone,
      minReplicas: spec?.minReplicas ?? 0,
    };
  });
}
