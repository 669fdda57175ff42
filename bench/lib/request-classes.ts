import type { LoggedRequest } from './request-log.js';

export interface RequestClasses {
  total: number;
  reads: number;
  watches: number;
  writes: number;
  leaseWrites: number;
  eventWrites: number;
  /** `<VERB> <resource>` (e.g. `PATCH deployments/*scale`) -> count. */
  byKind: Record<string, number>;
  /** `<VERB> <resource>` -> mean ms from the request's start to the end of its answer. */
  meanMsByKind: Record<string, number>;
}

/** Classifies counted requests into reads, watches and writes (Lease and Event writes apart). */
export function classify(requests: LoggedRequest[]): RequestClasses {
  const out: RequestClasses = {
    total: 0,
    reads: 0,
    watches: 0,
    writes: 0,
    leaseWrites: 0,
    eventWrites: 0,
    byKind: {},
    meanMsByKind: {},
  };
  const totalMs: Record<string, number> = {};
  const timed: Record<string, number> = {};
  for (const r of requests) {
    out.total += 1;
    const path = r.path.split('?')[0];
    const resource = path
      .replace(/\/namespaces\/[^/]+/, '')
      .replace(/^\/apis?\/(([^/]+\/)?v\d+)\//, '')
      .replace(/\/[^/]+(\/(status|scale))?$/, (_match, sub?: string) => (sub ? `/*${sub}` : '/*'));
    const verb = r.watch ? 'WATCH' : r.method;
    const key = `${verb} ${resource}`;
    out.byKind[key] = (out.byKind[key] ?? 0) + 1;
    if (r.ms !== undefined) {
      totalMs[key] = (totalMs[key] ?? 0) + r.ms;
      timed[key] = (timed[key] ?? 0) + 1;
    }
    if (r.watch) out.watches += 1;
    else if (r.method === 'GET') out.reads += 1;
    else {
      out.writes += 1;
      if (path.includes('/leases')) out.leaseWrites += 1;
      if (path.includes('/events')) out.eventWrites += 1;
    }
  }
  for (const key of Object.keys(timed)) {
    out.meanMsByKind[key] = Math.round((totalMs[key] / timed[key]) * 10) / 10;
  }
  return out;
}
