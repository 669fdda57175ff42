import { ApiProperty } from '@nestjs/swagger';
import type { ScalingSnapshot, TimelinePoint } from '../timeline/timeline-point.js';
import { BASE_RULES } from '../rules/scaling-rules.js';
import { DecisionDto } from './decision.dto.js';
import type { ScheduleWindow } from '../schedules/schedule-windows.js';
import { OpenScheduleDto } from './scaling-status.dto.js';

/** One point of the dashboard's chart. */
export class TimelinePointDto {
  @ApiProperty({ example: '2026-12-01T09:00:00.000Z' })
  at: string;

  @ApiProperty({ type: Number, nullable: true, example: 1000 })
  activeUsers: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: "This api's decision (spec.kiadaServiceCount as it writes it).",
    example: 3,
  })
  desiredReplicas: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: "The Deployment's replicas as the operator reports them (status.replicas).",
    example: 3,
  })
  replicas: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Ready pods (status.readyReplicas).',
    example: 2,
  })
  readyReplicas: number | null;

  static from(point: TimelinePoint): TimelinePointDto {
    return Object.assign(new TimelinePointDto(), {
      ...point,
      at: new Date(point.at).toISOString(),
    });
  }
}

export class ConditionSummaryDto {
  @ApiProperty({ example: 'SignalFresh' })
  type: string;

  @ApiProperty({ enum: ['True', 'False', 'Unknown'], example: 'True' })
  status: string;

  @ApiProperty({ example: 'SignalRefreshed' })
  reason: string;

  @ApiProperty({ example: 'The api refreshed the signal 2 s ago' })
  message: string;
}

/** The data of a `point` event of GET /scaling/stream: a point and what the header shows. */
export class ScalingSnapshotDto extends TimelinePointDto {
  @ApiProperty({ type: Number, nullable: true, example: 3 })
  recommendedReplicas: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    enum: BASE_RULES.map((rule) => rule.name),
    description:
      'The rule that gave the base value for activeUsers (a tier, or steps past the last).',
  })
  rule: string | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The tier index in SCALING_TIERS (rule tier), or the steps past the last tier.',
    example: 1,
  })
  ruleIndex: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    description: "The last decision's trace: the rules that changed the answer, then the result.",
    example: 'tier 1 -> 2; schedule office-hours min 5 until 18:00 Asia/Seoul; -> 5',
  })
  trace: string | null;

  @ApiProperty({ enum: ['resource', 'environment'], example: 'resource' })
  policySource: string;

  @ApiProperty({ type: [OpenScheduleDto], description: "The schedules' windows open now." })
  openSchedules: OpenScheduleDto[];

  @ApiProperty({
    type: [ConditionSummaryDto],
    description: "The resource's conditions (Ready, Scaled, Paused, SignalFresh, PolicyValid).",
  })
  conditions: ConditionSummaryDto[];

  static fromSnapshot(snapshot: ScalingSnapshot): ScalingSnapshotDto {
    return Object.assign(new ScalingSnapshotDto(), {
      ...snapshot,
      at: new Date(snapshot.at).toISOString(),
      openSchedules: snapshot.openSchedules.map(OpenScheduleDto.from),
    });
  }
}

/** A window of a schedule of the policy in force, for the chart's shading. */
export class ScheduleWindowDto {
  @ApiProperty({ example: 'office-hours' })
  name: string;

  @ApiProperty({ example: 5 })
  minReplicas: number;

  @ApiProperty({ example: '2026-12-01T23:00:00.000Z' })
  from: string;

  @ApiProperty({
    description: 'When it closes (may be after `to`).',
    example: '2026-12-02T09:00:00.000Z',
  })
  to: string;

  static from(window: ScheduleWindow): ScheduleWindowDto {
    return Object.assign(new ScheduleWindowDto(), {
      ...window,
      from: new Date(window.from).toISOString(),
      to: new Date(window.to).toISOString(),
    });
  }
}

export class ScalingHistoryDto {
  @ApiProperty({ example: '2026-12-01T08:45:00.000Z' })
  from: string;

  @ApiProperty({ example: '2026-12-01T09:00:00.000Z' })
  to: string;

  @ApiProperty({
    type: [TimelinePointDto],
    description:
      'Oldest first, at most one per second and at most 1,000 (thinned evenly past that); the first may be before `from` (what held at `from`). Kept in this api process for 6 hours.',
  })
  points: TimelinePointDto[];

  @ApiProperty({
    type: [DecisionDto],
    description: 'Decisions made in the range, oldest first (at most 500, the newest).',
  })
  decisions: DecisionDto[];

  @ApiProperty({
    type: [ScheduleWindowDto],
    description:
      "The windows of the policy's schedules that overlap the range (the policy in force now), oldest first.",
  })
  windows: ScheduleWindowDto[];
}
