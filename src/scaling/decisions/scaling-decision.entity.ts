import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { millisecondsTransformer } from '../../database/milliseconds.transformer.js';
import type { Step } from '../rules/scaling-rule.js';

/** A step of the trace as stored: what the API serves. */
export type DecisionStep = Pick<Step, 'rule' | 'reason' | 'replicas' | 'note'>;

/** One scaling decision (see ../decision.ts), as kept in `scaling_decisions`. */
@Entity({ name: 'scaling_decisions' })
@Index('IDX_scaling_decisions_at', ['at'])
@Index('UQ_scaling_decisions_dedupe_key', ['dedupeKey'], { unique: true })
export class ScalingDecision {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id: number;

  /** Epoch milliseconds. */
  @Column({ type: 'bigint', transformer: millisecondsTransformer })
  at: number;

  @Column({ type: 'varchar', length: 63 })
  namespace: string;

  @Column({ type: 'varchar', length: 253 })
  name: string;

  @Column({ type: 'varchar', length: 32 })
  reason: string;

  @Column({ type: 'varchar', length: 512 })
  message: string;

  @Column({ name: 'active_users', type: 'integer', nullable: true })
  activeUsers: number | null;

  @Column({ name: 'previous_replicas', type: 'integer', nullable: true })
  previousReplicas: number | null;

  @Column({ type: 'integer', nullable: true })
  replicas: number | null;

  @Column({ name: 'recommended_replicas', type: 'integer', nullable: true })
  recommendedReplicas: number | null;

  /** `tier` or `step`. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  rule: string | null;

  /** The tier's index, or the number of steps past the last tier. */
  @Column({ name: 'rule_index', type: 'integer', nullable: true })
  ruleIndex: number | null;

  /** The rules that changed the answer, in order (JSON); null for rows older than the trace. */
  @Column({ type: 'simple-json', nullable: true })
  steps: DecisionStep[] | null;

  /** `min` or `max` when the bounds changed the policy's value. */
  @Column({ type: 'varchar', length: 8, nullable: true })
  clamp: string | null;

  @Column({ name: 'hold_replicas', type: 'integer', nullable: true })
  holdReplicas: number | null;

  @Column({
    name: 'hold_until',
    type: 'bigint',
    nullable: true,
    transformer: millisecondsTransformer,
  })
  holdUntil: number | null;

  @Column({ type: 'boolean' })
  paused: boolean;

  @Column({ type: 'boolean' })
  fallback: boolean;

  /** Set for decisions that several api replicas see at once: only the first is kept. */
  @Column({ name: 'dedupe_key', type: 'varchar', length: 191, nullable: true })
  dedupeKey: string | null;
}
