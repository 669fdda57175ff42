import { ApiProperty } from '@nestjs/swagger';
import { DECISION_REASON_CODES } from '../decision-reasons.js';
import type { NewScalingDecision } from '../decisions/decision.repository.js';
import type { ScalingDecision } from '../decisions/scaling-decision.entity.js';
import { BASE_RULES, SCALING_RULES } from '../rules/scaling-rules.js';

/** A step of a decision's trace: one rule that changed the answer. */
export class DecisionStepDto {
  @ApiProperty({ enum: SCALING_RULES.map((rule) => rule.name), example: 'schedule' })
  rule: string;

  @ApiProperty({ enum: DECISION_REASON_CODES, example: 'ScheduleMinimum' })
  reason: string;

  @ApiProperty({ description: 'The replicas after this step.', example: 5 })
  replicas: number;

  @ApiProperty({
    description: 'What the rule did.',
    example: 'schedule office-hours min 5 until 18:00 Asia/Seoul',
  })
  note: string;
}

export class DecisionHoldDto {
  @ApiProperty({ description: 'The higher value the scale-down window holds.', example: 3 })
  replicas: number;

  @ApiProperty({
    description: 'When the window lets it fall.',
    example: '2026-12-01T09:05:00.000Z',
  })
  until: string;
}

/** One scaling decision: why the desired replicas are what they are. */
export class DecisionDto {
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Its id in the decision record (the `before` cursor); null when not stored yet.',
    example: 42,
  })
  id: number | null;

  @ApiProperty({ example: '2026-12-01T09:00:00.000Z' })
  at: string;

  @ApiProperty({ enum: DECISION_REASON_CODES, example: 'TierMatched' })
  reason: string;

  @ApiProperty({ example: '1,000 active users >= 1,000: 3 replicas (was 2)' })
  message: string;

  @ApiProperty({ type: Number, nullable: true, example: 1000 })
  activeUsers: number | null;

  @ApiProperty({ type: Number, nullable: true, example: 2 })
  previousReplicas: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The desired replicas decided.',
    example: 3,
  })
  replicas: number | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'What the policy recommended (after min/max).',
    example: 3,
  })
  recommendedReplicas: number | null;

  @ApiProperty({
    type: String,
    nullable: true,
    enum: BASE_RULES.map((rule) => rule.name),
    description: 'The rule that gave the base value from the count.',
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
    enum: ['min', 'max'],
    description: 'Set when min or max changed the value.',
  })
  clamp: string | null;

  @ApiProperty({
    type: DecisionHoldDto,
    nullable: true,
    description: 'Set while the scale-down window holds.',
  })
  hold: DecisionHoldDto | null;

  @ApiProperty({
    type: [DecisionStepDto],
    description:
      'The trace: the rules that changed the answer, in order (empty for decisions the operator reported).',
  })
  steps: DecisionStepDto[];

  @ApiProperty({ description: 'The resource was paused: the operator held the Deployment.' })
  paused: boolean;

  @ApiProperty({ description: "The operator applied the fallback (the api's signal was lost)." })
  fallback: boolean;

  static from(row: NewScalingDecision | ScalingDecision): DecisionDto {
    return Object.assign(new DecisionDto(), {
      id: 'id' in row ? row.id : null,
      at: new Date(row.at).toISOString(),
      reason: row.reason,
      message: row.message,
      activeUsers: row.activeUsers,
      previousReplicas: row.previousReplicas,
      replicas: row.replicas,
      recommendedReplicas: row.recommendedReplicas,
      rule: row.rule,
      ruleIndex: row.ruleIndex,
      clamp: row.clamp,
      steps: row.steps ?? [],
      hold:
        row.holdReplicas !== null && row.holdUntil !== null
          ? { replicas: row.holdReplicas, until: new Date(row.holdUntil).toISOString() }
          : null,
      paused: Boolean(row.paused),
      fallback: Boolean(row.fallback),
    });
  }
}

export class DecisionPageDto {
  @ApiProperty({ type: [DecisionDto], description: 'Newest first.' })
  items: DecisionDto[];

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Pass as `before` for the next (older) page; null when this was the last.',
    example: 17,
  })
  nextBefore: number | null;
}
