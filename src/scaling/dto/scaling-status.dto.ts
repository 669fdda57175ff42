import type { OpenSchedule } from '../schedules/schedule-windows.js';
import { DecisionDto } from './decision.dto.js';
import { ApiProperty } from '@nestjs/swagger';

export class ScalingTierDto {
  @ApiProperty({ description: 'The tier applies to fewer active users than this.', example: 1000 })
  belowUsers: number;

  @ApiProperty({ description: 'Replicas for this tier.', example: 2 })
  replicas: number;
}

export class ScheduleDto {
  @ApiProperty({ example: 'office-hours' })
  name: string;

  @ApiProperty({
    description: 'Cron expression (5 fields): the window opens.',
    example: '0 8 * * 1-5',
  })
  start: string;

  @ApiProperty({
    description: 'Cron expression (5 fields): the window closes.',
    example: '0 18 * * 1-5',
  })
  end: string;

  @ApiProperty({ description: 'IANA time zone of start and end.', example: 'Asia/Seoul' })
  timeZone: string;

  @ApiProperty({ description: 'At least this many replicas while the window is open.', example: 5 })
  minReplicas: number;
}

export class ForecastDto {
  @ApiProperty({ description: 'How far ahead the active users are estimated.', example: 120 })
  lookaheadSeconds: number;

  @ApiProperty({
    description: 'The net rate is measured over this many past seconds.',
    example: 300,
  })
  windowSeconds: number;
}

export class OpenScheduleDto {
  @ApiProperty({ example: 'office-hours' })
  name: string;

  @ApiProperty({ example: 5 })
  minReplicas: number;

  @ApiProperty({ example: 'Asia/Seoul' })
  timeZone: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description: 'When the window opened; null when that is more than 4 years ago.',
    example: '2026-12-01T23:00:00.000Z',
  })
  opened: string | null;

  @ApiProperty({ description: 'When the window closes.', example: '2026-12-02T09:00:00.000Z' })
  until: string;

  static from(open: OpenSchedule): OpenScheduleDto {
    return Object.assign(new OpenScheduleDto(), {
      ...open,
      opened: open.opened === undefined ? null : new Date(open.opened).toISOString(),
      until: new Date(open.until).toISOString(),
    });
  }
}

export class ReasonDto {
  @ApiProperty({ example: 'ScheduleMinimum' })
  code: string;

  @ApiProperty({ example: "a schedule's window is open and its minReplicas is above the answer" })
  description: string;

  @ApiProperty({ description: "The dashboard's short label.", example: 'schedule' })
  label: string;
}

export class ScalingPolicyDto {
  @ApiProperty({
    enum: ['resource', 'environment'],
    description:
      "Where the policy comes from: spec.policy of the KiadaServiceCount over the api's SCALING_* settings (resource), or these alone (environment).",
    example: 'resource',
  })
  source: string;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'What is wrong with spec.policy, naming the field; null when it is valid or absent. While it is invalid, the last valid policy applies.',
    example: null,
  })
  invalid: string | null;

  @ApiProperty({ type: [ScalingTierDto], description: 'The tiers, in increasing order.' })
  tiers: ScalingTierDto[];

  @ApiProperty({
    description: 'Past the last tier, one more replica per this many users.',
    example: 20000,
  })
  stepUsers: number;

  @ApiProperty({ example: 2 })
  minReplicas: number;

  @ApiProperty({ example: 100 })
  maxReplicas: number;

  @ApiProperty({
    description: 'Scale-down waits until the lower value held this long.',
    example: 300,
  })
  stabilizationSeconds: number;

  @ApiProperty({ type: [ScheduleDto], description: 'Time windows with a minimum of replicas.' })
  schedules: ScheduleDto[];

  @ApiProperty({
    type: ForecastDto,
    nullable: true,
    description: 'Scaling ahead of the users; null when off.',
  })
  forecast: ForecastDto | null;
}

export class ResourceWriteErrorDto {
  @ApiProperty({
    description: 'Kubernetes API status code; 0 when the API server could not be reached.',
    example: 0,
  })
  statusCode: number;

  @ApiProperty({ example: 'connect ECONNREFUSED 10.96.0.1:443' })
  message: string;

  @ApiProperty({
    description: 'Time of the latest failed attempt.',
    example: '2025-01-01T00:00:00.000Z',
  })
  at: string;

  @ApiProperty({
    description: 'Failed attempts in a row (retries continue with backoff).',
    example: 3,
  })
  failedAttempts: number;
}

export class ScalingResourceDto {
  @ApiProperty({ example: 'default' })
  namespace: string;

  @ApiProperty({ example: 'hanyang-kiada-autoscaler' })
  name: string;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'spec.kiadaServiceCount as this process last wrote it.',
    example: 3,
  })
  lastWrittenReplicas: number | null;

  @ApiProperty({ type: String, nullable: true, example: '2025-01-01T00:00:00.000Z' })
  lastWriteAt: string | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'spec.kiadaServiceCount as last read or written; null when unknown.',
    example: 3,
  })
  observedReplicas: number | null;

  @ApiProperty({
    type: ResourceWriteErrorDto,
    nullable: true,
    description: 'The current write failure; null when writes succeed.',
  })
  lastError: ResourceWriteErrorDto | null;
}

export class ScalingStatusDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Users holding a live session; null before the first count.',
    example: 1000,
  })
  activeUsers: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'What the rules recommend for activeUsers, before the scale-down window.',
    example: 3,
  })
  recommendedReplicas: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The stabilized replica count written to the resource.',
    example: 3,
  })
  desiredReplicas: number | null;

  @ApiProperty({
    type: DecisionDto,
    nullable: true,
    description: "This replica's latest decision (GET /scaling/decisions has all of them).",
  })
  lastDecision: DecisionDto | null;

  @ApiProperty({ type: ScalingPolicyDto, description: 'The policy in force.' })
  policy: ScalingPolicyDto;

  @ApiProperty({ type: [OpenScheduleDto], description: "The schedules' windows open now." })
  openSchedules: OpenScheduleDto[];

  @ApiProperty({
    type: [ReasonDto],
    description: 'Every reason code a decision can have, what it means and its short label.',
  })
  reasons: ReasonDto[];

  @ApiProperty({ type: ScalingResourceDto })
  resource: ScalingResourceDto;
}
