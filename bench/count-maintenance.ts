// Benchmark 4d: the count's upkeep across api replicas. Several api processes on one database
// (10,000 live sessions), SCALING_RESYNC_SECONDS=1 so a recount period is 10 s: over a whole
// number of recount periods, how many sweeps and recounts ran in all (each process's
// kiada_active_users_recount_duration_seconds_count by kind). Goal: one sweep (or the
// recount, which sweeps) per resync period and one recount per recount period, whatever the
// number of processes.
import { migrateDatabase, type AppProcess } from '../test/support/app-process.js';
import { dropDatabase, freshDatabase } from '../test/support/database.js';
import { fillActiveUsers } from '../test/support/seed-users.js';
import { sleep } from '../test/support/wait.js';
import { SESSION_TTL_MS, startApiWithoutCluster } from './lib/bench-app.js';
import { log } from './lib/progress.js';
import { metricsText, promSamples } from './lib/prometheus.js';
import { round } from './lib/statistics.js';

export interface CountMaintenanceOptions {
  apis: number;
  /** Recount periods (of 10 resync periods of 1 s) to count over. */
  recountPeriods: number;
  sessions: number;
  logDir: string;
}

const RESYNC_SECONDS = 1;
const RECOUNT_PERIOD_MS = 10 * RESYNC_SECONDS * 1000;
const COUNT_METRIC = 'kiada_active_users_recount_duration_seconds_count';

/** Count operations by kind (read, sweep, recount), summed over the processes. */
async function operations(apis: AppProcess[]): Promise<Record<string, number>> {
  const sums: Record<string, number> = { read: 0, sweep: 0, recount: 0 };
  for (const api of apis) {
    const samples = promSamples(await metricsText(api), COUNT_METRIC);
    for (const kind of Object.keys(sums)) sums[kind] += samples[`kind="${kind}"`] ?? 0;
  }
  return sums;
}

export async function countMaintenanceBenchmark(options: CountMaintenanceOptions) {
  const { apis: apiCount, recountPeriods, sessions, logDir } = options;
  const databaseUrl = await freshDatabase(`bench_maintenance_${process.pid}`);
  const apis: AppProcess[] = [];
  try {
    await migrateDatabase(databaseUrl);
    await fillActiveUsers(databaseUrl, 0, sessions, SESSION_TTL_MS);
    log(`maintenance: ${apiCount} api processes, SCALING_RESYNC_SECONDS=${RESYNC_SECONDS}`);
    for (let i = 0; i < apiCount; i++) {
      apis.push(
        await startApiWithoutCluster(
          databaseUrl,
          { SCALING_RESYNC_SECONDS: String(RESYNC_SECONDS) },
          { logDir, name: `maintenance-api-${i}` },
        ),
      );
    }
    // From 1.5 s into a recount period (its recount claimed by then) to as far into the
    // period `recountPeriods` later: whole periods, each one's jobs counted once.
    await sleep(RECOUNT_PERIOD_MS - (Date.now() % RECOUNT_PERIOD_MS) + 1_500);
    const before = await operations(apis);
    log(`maintenance: counting over ${recountPeriods} recount periods (${recountPeriods * 10} s)`);
    await sleep(recountPeriods * RECOUNT_PERIOD_MS);
    const after = await operations(apis);
    const delta = (kind: string) => after[kind] - before[kind];
    const periods = (recountPeriods * RECOUNT_PERIOD_MS) / (RESYNC_SECONDS * 1000);
    const result = {
      apiProcesses: apiCount,
      resyncSeconds: RESYNC_SECONDS,
      periods,
      recountPeriods,
      sweeps: delta('sweep'),
      recounts: delta('recount'),
      reads: delta('read'),
      sweepsPerPeriod: round((delta('sweep') + delta('recount')) / periods, 2),
      recountsPerRecountPeriod: round(delta('recount') / recountPeriods, 2),
    };
    log(
      `maintenance: ${result.sweeps} sweeps + ${result.recounts} recounts over ${periods} periods ` +
        `(${result.sweepsPerPeriod} per period; ${result.recountsPerRecountPeriod} recounts per ` +
        `recount period); ${result.reads} reads by the other processes`,
    );
    return result;
  } finally {
    await Promise.all(apis.map((api) => api.stop().catch(() => undefined)));
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
}
