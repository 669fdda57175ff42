/**
 * The count of active users (holding at least one live session), kept up to date by the
 * session store as sessions are created and destroyed, so reading it costs one
 * primary-key lookup however many sessions there are. Sessions that expire silently are
 * accounted for by `sweepExpired`; `recount` reconciles any drift from the sessions table.
 */
export abstract class ActiveUserCountSource {
  /** The kept count. */
  abstract read(): Promise<number>;
  /** Accounts for sessions that expired up to `now` (epoch ms); cost follows the expirations. Returns the new count. */
  abstract sweepExpired(now: number): Promise<number>;
  /** Full recount from the sessions table (the expensive query; for periodic reconciliation). Returns the count. */
  abstract recount(now: number): Promise<number>;
}
