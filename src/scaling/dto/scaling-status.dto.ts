import { DecisionDto } from './decision.dto.js';
import { ApiProperty } from '@nestjs/swagger';

export class ScalingTierDto {
  @ApiProperty({ description: 'The tier applies to fewer active users than this.', example: 1000 })
  belowUsers: number;

  @ApiProperty({ description: 'Replicas for this tier.', example: 2 })
  replicas: number;
}

export class ScalingPolicyDto {
  @ApiProperty({ type: [ScalingTierDto], description: 'SCALING_TIERS, in increasing order.' })
  tiers: ScalingTierDto[];

  @ApiProperty({
    description: 'Past the last tier, one more replica per this many users (SCALING_STEP_USERS).',
    example: 20000,
  })
  stepUsers: number;

  @ApiProperty({ example: 2 })
  minReplicas: number;

  @ApiProperty({ example: 100 })
  maxReplicas: number;

  @ApiProperty({
    description:
      'Scale-down waits until the lower value held this long (SCALING_STABILIZATION_SECONDS).',
    example: 300,
  })
  stabilizationSeconds: number;
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
    description: 'What the tier policy gives for activeUsers, before stabilization.',
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

  @ApiProperty({ type: ScalingPolicyDto })
  policy: ScalingPolicyDto;

  @ApiProperty({ type: ScalingResourceDto })
  resource: ScalingResourceDto;
}
