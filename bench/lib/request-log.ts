import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One HTTP request the process under test made. */
export interface LoggedRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  watch: boolean;
  /**
   * ms from the start of the request to the end of its answer, as the process saw it (not
   * for watches, which stay open).
   */
  ms?: number;
}

export interface RequestLog {
  /** Node's flags that load the recorder into the process under test. */
  nodeArgs: string[];
  /** The environment that names the file it writes. */
  env: Record<string, string>;
  /** Every request recorded so far, in the order they started. */
  read(): LoggedRequest[];
}

const PRELOAD = fileURLToPath(new URL('./request-log-preload.mjs', import.meta.url));

/**
 * The operator's own API requests, recorded inside its process (request-log-preload.mjs,
 * from node:diagnostics_channel) into `file`, so that it reaches the API server directly as
 * installed. The recorder sits below the Kubernetes client, at Node's HTTP client: it counts
 * what goes on the wire, independent of the app's own metrics.
 */
export function requestLog(file: string): RequestLog {
  rmSync(file, { force: true });
  return {
    nodeArgs: ['--import', PRELOAD],
    env: { KIADA_BENCH_REQUEST_LOG: file },
    read: () => parseRequestLog(existsSync(file) ? readFileSync(file, 'utf8') : ''),
  };
}

/** The recorder's JSON lines as requests: a start line, then (for answered ones) its time. */
export function parseRequestLog(text: string): LoggedRequest[] {
  const byId = new Map<number, LoggedRequest>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const entry = JSON.parse(line) as {
      id: number;
      method?: string;
      path?: string;
      ms?: number;
    };
    if (entry.method !== undefined && entry.path !== undefined) {
      const query = new URLSearchParams(entry.path.split('?')[1] ?? '');
      const watch = query.get('watch') === 'true' || query.get('watch') === '1';
      byId.set(entry.id, { method: entry.method, path: entry.path, watch });
    } else if (entry.ms !== undefined) {
      const request = byId.get(entry.id);
      if (request && !request.watch) request.ms = entry.ms;
    }
  }
  return [...byId.values()];
}
