// Benchmark 4a: the cost of the active-user count at 10k, 100k and 1M live sessions: the
// app's own ActiveUserCountRepository.recount() (full recount: sweep + COUNT(DISTINCT user_id))
// and read() (the kept count every auth event reads), on a scratch database.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { SystemClock } from '../src/common/clock.js';
import { buildDataSourceOptions } from '../src/database/data-source-options.js';
import { TransactionRunner } from '../src/database/transaction-runner.js';
import { ActiveUserCountRepository } from '../src/sessions/active-user-count.repository.js';
import { CountMaintenanceClaims } from '../src/sessions/count-maintenance-claims.js';
import { migrateDatabase } from '../test/support/app-process.js';
import { dropDatabase, freshDatabase } from '../test/support/database.js';
import { fillActiveUsers } from '../test/support/seed-users.js';
import { SESSION_TTL_MS } from './lib/bench-app.js';
import { log, now } from './lib/progress.js';
import { round, summary } from './lib/statistics.js';

async function timeIt<T>(runs: number, operation: () => Promise<T>) {
  await operation(); // warm-up (and, for recount, the first sweep)
  const times: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const start = now();
    value = await operation();
    times.push(now() - start);
  }
  const s = summary(times);
  return { value, runs, p50Ms: round(s.p50, 2), minMs: round(s.min, 2), maxMs: round(s.max, 2) };
}

export async function countCostBenchmark({ sizes, runs = 5 }: { sizes: number[]; runs?: number }) {
  const databaseUrl = await freshDatabase('bench_count');
  const results = [];
  let dataSource: DataSource | undefined;
  try {
    await migrateDatabase(databaseUrl);
    dataSource = new DataSource(
      buildDataSourceOptions({
        type: 'mysql',
        url: databaseUrl,
        sqlitePath: '',
        migrate: false,
      }),
    );
    await dataSource.initialize();
    const runner = new TransactionRunner(dataSource, new SystemClock());
    const store = new ActiveUserCountRepository(runner, new CountMaintenanceClaims(runner));
    let filled = 0;
    for (const size of sizes) {
      const start = now();
      await fillActiveUsers(databaseUrl, filled, size, SESSION_TTL_MS);
      await dataSource.query('ANALYZE TABLE sessions');
      filled = size;
      log(
        `count: ${size.toLocaleString('en')} live sessions inserted in ` +
          `${round((now() - start) / 1000)}s; timing recount() x${runs}`,
      );
      const recount = await timeIt(runs, () => store.recount(Date.now()));
      if (recount.value !== size)
        throw new Error(`recount() returned ${recount.value}, expected ${size}`);
      const read = await timeIt(runs * 4, () => store.read());
      log(
        `count: ${size.toLocaleString('en')} sessions: recount() p50 ${recount.p50Ms} ms ` +
          `(max ${recount.maxMs}), read() p50 ${read.p50Ms} ms`,
      );
      results.push({ sessions: size, recount, read });
    }
  } finally {
    await dataSource?.destroy().catch(() => undefined);
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
  return results;
}
