/** The upkeep of the active-user count a resync can do: a sweep, or a full recount (which sweeps first). */
export type MaintenanceJob = 'sweep' | 'recount';

/** How often each job is due across all api replicas (ms). */
export interface MaintenanceSchedule {
  sweepEveryMs: number;
  recountEveryMs: number;
}

/**
 * The period of each job that `now` (epoch ms) falls in: period n of a job covers
 * [n x every, (n + 1) x every). Every replica computes the same numbers from the same
 * schedule, so "the job of period n" names one run however many replicas ask; a replica
 * whose clock is a little off asks for a neighbouring period, never for two at once.
 */
export function maintenancePeriods(
  now: number,
  { sweepEveryMs, recountEveryMs }: MaintenanceSchedule,
): Record<MaintenanceJob, number> {
  return {
    sweep: Math.floor(now / sweepEveryMs),
    recount: Math.floor(now / recountEveryMs),
  };
}
