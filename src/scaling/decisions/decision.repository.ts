import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, LessThan, Repository } from 'typeorm';
import { isUniqueViolation } from '../../database/unique-violation.js';
import { ScalingDecision } from './scaling-decision.entity.js';

export type NewScalingDecision = Omit<ScalingDecision, 'id'>;

/** The decision record (the `scaling_decisions` table); the abstract class is the DI token. */
export abstract class DecisionRepository {
  /** Inserts one; resolves false when its dedupe key is already there (another replica). */
  abstract insert(decision: NewScalingDecision): Promise<boolean>;
  /** Newest first; `before`: only decisions with a smaller id (the next page). */
  abstract list(limit: number, before?: number): Promise<ScalingDecision[]>;
  /** The newest `limit` decisions made in [from, to] (epoch ms), oldest first. */
  abstract between(from: number, to: number, limit: number): Promise<ScalingDecision[]>;
  /** Deletes decisions made before `cutoff` (epoch ms); resolves to how many. */
  abstract deleteBefore(cutoff: number): Promise<number>;
}

/** DecisionRepository on TypeORM (MySQL/MariaDB or SQLite). */
@Injectable()
export class TypeormDecisionRepository extends DecisionRepository {
  constructor(
    @InjectRepository(ScalingDecision) private readonly decisions: Repository<ScalingDecision>,
  ) {
    super();
  }

  async insert(decision: NewScalingDecision): Promise<boolean> {
    try {
      await this.decisions.insert(decision);
      return true;
    } catch (error) {
      if (decision.dedupeKey && isUniqueViolation(error)) return false;
      throw error;
    }
  }

  list(limit: number, before?: number): Promise<ScalingDecision[]> {
    return this.decisions.find({
      where: before === undefined ? {} : { id: LessThan(before) },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  async between(from: number, to: number, limit: number): Promise<ScalingDecision[]> {
    const rows = await this.decisions.find({
      where: { at: Between(from, to) },
      order: { at: 'DESC', id: 'DESC' },
      take: limit,
    });
    return rows.reverse();
  }

  async deleteBefore(cutoff: number): Promise<number> {
    const result = await this.decisions.delete({ at: LessThan(cutoff) });
    return result.affected ?? 0;
  }
}
