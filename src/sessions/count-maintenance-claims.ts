import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner.js';
import {
  maintenancePeriods,
  type MaintenanceJob,
  type MaintenanceSchedule,
} from './count-maintenance.js';

/**
 * Lets the database choose which api replica runs each period's sweep, recount or purge of
 * expired rows (table `count_maintenance_claims`, one row per job): a claim is one conditional UPDATE of
 * the job's row, `period < n`, and the database's row lock lets exactly one replica's
 * UPDATE change it, on MySQL, MariaDB, TiDB and SQLite alike. Whoever claimed a period runs
 * its job, retrying it until it succeeds or the process ends (then the next period's
 * claimer catches up: a sweep covers everything since the last one).
 */
@Injectable()
export class CountMaintenanceClaims {
  /** Who claims: host (the pod's name), process and a random tag, unique per instance. */
  readonly holder = `${hostname()}/${process.pid}/${randomBytes(3).toString('hex')}`.slice(0, 255);

  constructor(private readonly runner: TransactionRunner) {}

  /**
   * Claims the job due at `now`, if this replica is the first to ask in its period: the
   * sweep's period first (one claimer per period), then, for that claimer, the recount's
   * when it is unclaimed (a recount sweeps first, so it stands for the period's sweep).
   * Resolves to the job to run, or null when another replica has this period.
   */
  async claim(now: number, schedule: MaintenanceSchedule): Promise<MaintenanceJob | null> {
    const periods = maintenancePeriods(now, schedule);
    if (!(await this.claimPeriod('sweep', periods.sweep, now))) return null;
    return (await this.claimPeriod('recount', periods.recount, now)) ? 'recount' : 'sweep';
  }

  /** Claims the purge of expired session rows for the period of `everyMs` that `now` falls in. */
  claimPurge(now: number, everyMs: number): Promise<boolean> {
    return this.claimPeriod('purge', Math.floor(now / everyMs), now);
  }

  /** Who claimed each job last, for which period and when (diagnostics and tests). */
  async claims(): Promise<
    Array<{
      job: MaintenanceJob;
      period: number;
      claimedBy: string | null;
      claimedAt: number | null;
    }>
  > {
    const rows = await this.runner.query<
      Array<{
        job: MaintenanceJob;
        period: unknown;
        claimed_by: string | null;
        claimed_at: unknown;
      }>
    >('SELECT job, period, claimed_by, claimed_at FROM count_maintenance_claims ORDER BY job', []);
    return rows.map((row) => ({
      job: row.job,
      period: Number(row.period),
      claimedBy: row.claimed_by,
      claimedAt: row.claimed_at === null ? null : Number(row.claimed_at),
    }));
  }

  private async claimPeriod(
    job: MaintenanceJob | 'purge',
    period: number,
    now: number,
  ): Promise<boolean> {
    const changed = await this.runner.affected(
      'UPDATE count_maintenance_claims SET period = ?, claimed_by = ?, claimed_at = ? ' +
        'WHERE job = ? AND period < ?',
      [period, this.holder, now, job, period],
    );
    return changed > 0;
  }
}
