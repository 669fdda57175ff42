import type { LoggerService } from '@nestjs/common';
import type { Clock } from '../../common/clock.js';
import type { AppConfig } from '../../config/index.js';
import type { KiadaServiceCount, PolicySource } from '../../kubernetes/kiada-service-count.js';
import { POLICY } from '../../kubernetes/service-count-annotations.js';
import {
  scheduleState,
  type OpenSchedule,
  type ScheduleState,
} from '../schedules/schedule-windows.js';
import { readPolicy, type PolicyReading } from './read-policy.js';
import { environmentPolicy, type ScalingPolicy } from './scaling-policy.js';

/**
 * The api's policy as its resource changes: reads it again only when spec.policy or the
 * policy annotation changed (every write of the resource shows up here), says when the
 * policy in force changed, warns once per problem of an invalid one, and keeps the
 * schedules' state (which windows are open, the next boundary) until its next boundary.
 */
export class PolicyTracker {
  private readonly environment: ScalingPolicy;
  private current: PolicyReading;
  /** What the last read looked at: spec.policy and the policy annotation. */
  private lastInput?: string;
  private warned?: string;
  private schedules: ScheduleState = { open: [] };

  constructor(
    scaling: AppConfig['scaling'],
    private readonly clock: Clock,
    private readonly logger: LoggerService,
  ) {
    this.environment = environmentPolicy(scaling);
    this.current = readPolicy(undefined, this.environment, clock.now());
  }

  get reading(): PolicyReading {
    return this.current;
  }

  /** Reads `resource`'s policy; returns the new source when the policy in force changed. */
  read(resource: KiadaServiceCount | undefined): PolicySource | undefined {
    const input = `${JSON.stringify(resource?.spec.policy ?? null)}\n${resource?.metadata.annotations?.[POLICY] ?? ''}`;
    if (input === this.lastInput) return undefined;
    this.lastInput = input;
    const now = this.clock.now();
    const next = readPolicy(resource, this.environment, now);
    const problem = next.verdict.valid ? undefined : next.verdict.message;
    if (problem !== undefined && problem !== this.warned) {
      this.logger.warn(`spec.policy of the KiadaServiceCount is not valid: ${problem}`);
    }
    this.warned = problem;
    const before = JSON.stringify([this.current.source, this.current.policy]);
    this.current = next;
    if (before === JSON.stringify([next.source, next.policy])) return undefined;
    this.schedules = scheduleState(next.policy.schedules, now);
    return next.source;
  }

  openSchedules(now: number): OpenSchedule[] {
    return this.schedulesAt(now).open;
  }

  nextBoundaryAt(now: number): number | undefined {
    return this.schedulesAt(now).nextBoundaryAt;
  }

  private schedulesAt(now: number): ScheduleState {
    const boundary = this.schedules.nextBoundaryAt;
    if (boundary !== undefined && now >= boundary) {
      this.schedules = scheduleState(this.current.policy.schedules, now);
    }
    return this.schedules;
  }
}
