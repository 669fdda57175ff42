import { ActiveUserCountSource } from '../active-user-count.source.js';
import {
  maintenancePeriods,
  type MaintenanceJob,
  type MaintenanceSchedule,
} from '../count-maintenance.js';

/**
 * The count_maintenance_claims table in memory, to share between the fakes of several api
 * replicas: the last period claimed per job, and by whom.
 */
export class InMemoryMaintenanceClaims {
  private readonly claimed = new Map<MaintenanceJob, number>();

  /** The rule of CountMaintenanceClaims.claim, over this map instead of the table. */
  claim(now: number, schedule: MaintenanceSchedule): MaintenanceJob | null {
    const periods = maintenancePeriods(now, schedule);
    if (!this.take('sweep', periods.sweep)) return null;
    return this.take('recount', periods.recount) ? 'recount' : 'sweep';
  }

  private take(job: MaintenanceJob, period: number): boolean {
    if ((this.claimed.get(job) ?? -1) >= period) return false;
    this.claimed.set(job, period);
    return true;
  }
}

/**
 * An ActiveUserCountSource for unit tests: returns `count`, records every call, and can
 * hold calls open (`hold()`) to observe what happens while a query is in flight. Claims go to
 * `claims`, which fakes of several replicas may share.
 */
export class FakeActiveUserCountSource extends ActiveUserCountSource {
  count = 0;
  readonly calls: Array<'read' | 'sweepExpired' | 'recount'> = [];
  /** Claims asked for (whatever their answer). */
  claimsAsked = 0;
  failNext?: Error;
  /** Every call fails with this until cleared (the database is down). */
  failAll?: Error;
  private gate?: { promise: Promise<void>; release: () => void };

  constructor(private readonly claims = new InMemoryMaintenanceClaims()) {
    super();
  }

  /** Calls made from now on wait until `release()`. */
  hold(): void {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.gate = { promise, release };
  }

  release(): void {
    const gate = this.gate;
    this.gate = undefined;
    gate?.release();
  }

  async read(): Promise<number> {
    return this.answer('read');
  }

  async sweepExpired(_now: number): Promise<number> {
    return this.answer('sweepExpired');
  }

  async recount(_now: number): Promise<number> {
    return this.answer('recount');
  }

  async claimMaintenance(
    now: number,
    schedule: MaintenanceSchedule,
  ): Promise<MaintenanceJob | null> {
    this.claimsAsked += 1;
    if (this.failAll) throw this.failAll;
    return this.claims.claim(now, schedule);
  }

  private async answer(call: 'read' | 'sweepExpired' | 'recount'): Promise<number> {
    this.calls.push(call);
    if (this.gate) await this.gate.promise;
    if (this.failAll) throw this.failAll;
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    return this.count;
  }
}
