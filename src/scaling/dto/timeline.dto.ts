import { ApiProperty } from '@nestjs/swagger';
import type { ScalingSnapshot, TimelinePoint } from '../timeline/timeline-point.js';
import { DecisionDto } from './decision.dto.js';

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
    enum: ['tier', 'step'],
    description: 'The policy rule that applies to activeUsers.',
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
    type: [ConditionSummaryDto],
    description: "The resource's conditions (Ready, Scaled, Paused, SignalFresh).",
  })
  conditions: ConditionSummaryDto[];

  static fromSnapshot(snapshot: ScalingSnapshot): ScalingSnapshotDto {
    return Object.assign(new ScalingSnapshotDto(), {
      ...snapshot,
      at: new Date(snapshot.at).toISOString(),
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
}
