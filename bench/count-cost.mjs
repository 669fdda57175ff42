// Benchmark 4a: the cost of the active-user count at 10k, 100k and 1M live sessions: the
// app's own ActiveUserCountRepository.recount() (full recount: sweep + COUNT(DISTINCT user_id))
// and read() (the kept count every auth event reads), on a scratch database.
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../dist/database/data-source-options.js';
import { SystemClock } from '../dist/common/clock.js';
import { TransactionRunner } from '../dist/database/transaction-runner.js';
import { ActiveUserCountRepository } from '../dist/sessions/active-user-count.repository.js';
import { migrate } from './lib/app.mjs';
import { dropDatabase, fillSessions, freshDatabase } from './lib/db.mjs';
import { log, now, round, summary } from './lib/util.mjs';

async function timeIt(runs, operation) {
  await operation(); // warm-up (and, for recount, the first sweep)
  const times = [];
  let value;
  for (let i = 0; i < runs; i++) {
    const start = now();
    value = await operation();
    times.push(now() - start);
  }
  const s = summary(times);
  return { value, runs, p50Ms: round(s.p50, 2), minMs: round(s.min, 2), maxMs: round(s.max, 2) };
}

export async function countCostBenchmark({ sizes, runs = 5 }) {
  const databaseUrl = await freshDatabase('bench_count');
  const results = [];
  let dataSource;
  try {
    await migrate(databaseUrl);
    dataSource = new DataSource(buildDataSourceOptions({ type: 'mysql', url: databaseUrl }));
    await dataSource.initialize();
    const store = new ActiveUserCountRepository(new TransactionRunner(dataSource, new SystemClock()));
    let filled = 0;
    for (const size of sizes) {
      const start = now();
      await fillSessions(databaseUrl, filled, size);
      await dataSource.query('ANALYZE TABLE sessions');
      filled = size;
      log(`count: ${size.toLocaleString('en')} live sessions inserted in ${round((now() - start) / 1000)}s; timing recount() x${runs}`);
      const recount = await timeIt(runs, () => store.recount(Date.now()));
      if (recount.value !== size) throw new Error(`recount() returned ${recount.value}, expected ${size}`);
      const read = await timeIt(runs * 4, () => store.read());
      const row = { sessions: size, recount, read };
      log(`count: ${size.toLocaleString('en')} sessions: recount() p50 ${recount.p50Ms} ms (max ${recount.maxMs}), read() p50 ${read.p50Ms} ms`);
      results.push(row);
    }
  } finally {
    await dataSource?.destroy().catch(() => undefined);
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
  return results;
}
