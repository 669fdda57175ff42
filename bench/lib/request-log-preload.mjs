// Loaded into the operator by the operator benchmark (`node --import`). It records every HTTP
// request the process makes, from node:diagnostics_channel, as JSON lines in the file that
// KIADA_BENCH_REQUEST_LOG names: `{"id","t","method","path"}` when the request starts and
// `{"id","ms"}` when its answer has been read. The operator then talks to the API server
// itself, as installed: the counting proxy used before added a plain-HTTP hop and spent CPU
// in the bench's process on a 2-core machine whose CPU the API server needs
// (docs/benchmarks.md). Lines are written in batches every 100 ms and at exit.
import { subscribe } from 'node:diagnostics_channel';
import { appendFileSync } from 'node:fs';

const file = process.env.KIADA_BENCH_REQUEST_LOG;
if (file) {
  const started = new WeakMap();
  let pending = [];
  let nextId = 0;
  const flush = () => {
    if (pending.length === 0) return;
    appendFileSync(file, pending.join(''));
    pending = [];
  };
  setInterval(flush, 100).unref();
  process.on('exit', flush);

  subscribe('http.client.request.start', ({ request }) => {
    const entry = { id: nextId++, t: Date.now() };
    started.set(request, entry);
    pending.push(JSON.stringify({ ...entry, method: request.method, path: request.path }) + '\n');
  });
  subscribe('http.client.response.finish', ({ request, response }) => {
    const entry = started.get(request);
    if (!entry) return;
    response.once('end', () =>
      pending.push(JSON.stringify({ id: entry.id, ms: Date.now() - entry.t }) + '\n'),
    );
  });
}
