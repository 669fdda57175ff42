import type { MaintenanceJob, MaintenanceSchedule } from './count-maintenance.js';

/**
 * The count of active users (holding at least one live session), kept up to date by the
 * session store as sessions are created and destroyed, so reading it costs one
 * primary-key lookup however many sessions there are. Sessions that expire silently are
 * accounted for by `sweepExpired`; `recount` reconciles any drift from the sessions table.
 * Every api replica shares them: `claimMaintenance` says which replica sweeps or recounts in
 * a period.
 */
export abstract class ActiveUserCountSource {
  /** The kept count. */
  abstract read(): Promise<number>;
  /** Accounts for sessions that expired up to `now` (epoch ms); cost follows the expirations. Returns the new count. */
  abstract sweepExpired(now: number): Promise<number>;
  /** Full recount from the sessions table (the expensive query, taking no locks; for periodic repair). Returns the count. */
  abstract recount(now: number): Promise<number>;
  /**
   * The job this replica is to run for the period `now` falls in (recount, sweep), or null
   * when another replica has claimed it. Each period's job is granted once.
   */
  abstract claimMaintenance(
    now: number,
    schedule: MaintenanceSchedule,
  ): Promise<MaintenanceJob | null>;
}
