import { DecisionRepository, NewScalingDecision } from '../decision.repository.js';
import type { ScalingDecision } from '../scaling-decision.entity.js';

/** DecisionRepository in memory, for unit tests; `failNext` makes the next inserts reject. */
export class InMemoryDecisionRepository extends DecisionRepository {
  readonly rows: ScalingDecision[] = [];
  private failures = 0;

  failNext(times = 1): void {
    this.failures += times;
  }

  async insert(decision: NewScalingDecision): Promise<boolean> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('connect ECONNREFUSED 127.0.0.1:3306');
    }
    if (decision.dedupeKey && this.rows.some((row) => row.dedupeKey === decision.dedupeKey)) {
      return false;
    }
    this.rows.push({ ...decision, id: this.rows.length + 1 });
    return true;
  }

  async list(limit: number, before?: number): Promise<ScalingDecision[]> {
    return [...this.rows]
      .reverse()
      .filter((row) => before === undefined || row.id < before)
      .slice(0, limit);
  }

  async between(from: number, to: number, limit: number): Promise<ScalingDecision[]> {
    return this.rows.filter((row) => row.at >= from && row.at <= to).slice(-limit);
  }

  async deleteBefore(cutoff: number): Promise<number> {
    const before = this.rows.length;
    this.rows.splice(0, this.rows.length, ...this.rows.filter((row) => row.at >= cutoff));
    return before - this.rows.length;
  }
}
