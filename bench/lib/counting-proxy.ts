import { writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { now } from './progress.js';

export interface CountedRequest {
  t: number;
  method: string;
  path: string;
  watch: boolean;
  /** ms from the request's arrival to the end of the API server's response (not for watches). */
  ms?: number;
}

export interface CountingProxy {
  requests: CountedRequest[];
  /** Where it listens (plain HTTP on 127.0.0.1). */
  url: string;
  kubeconfigFile: string;
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that forwards every request to the API server with the
 * admin credentials and counts them by verb and resource. The process under test gets a
 * kubeconfig pointing here (written to `kubeconfigFile`), so its own requests are counted
 * exactly.
 */
export async function startCountingProxy(
  kc: KubeConfig,
  kubeconfigFile: string,
): Promise<CountingProxy> {
  const cluster = kc.getCurrentCluster()!;
  const upstream = new URL(cluster.server);
  const options: RequestOptions & { ca?: unknown; cert?: unknown; key?: unknown } = {};
  await kc.applyToHTTPSOptions(options);
  const agent = new Agent({
    keepAlive: true,
    ca: options.ca as string | undefined,
    cert: options.cert as string | undefined,
    key: options.key as string | undefined,
    rejectUnauthorized: !cluster.skipTLSVerify,
  });
  const requests: CountedRequest[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const watchParam = url.searchParams.get('watch');
    const isWatch = watchParam === 'true' || watchParam === '1';
    const counted: CountedRequest = {
      t: now(),
      method: req.method ?? 'GET',
      path: url.pathname,
      watch: isWatch,
    };
    requests.push(counted);
    const https = upstream.protocol === 'https:';
    const send = https ? httpsRequest : httpRequest;
    const headers = { ...req.headers, host: upstream.host, ...(options.headers ?? {}) };
    const forward = send(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
        agent: https ? agent : undefined,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
        if (!isWatch) upstreamRes.once('end', () => (counted.ms = now() - counted.t));
      },
    );
    forward.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  writeFileSync(
    kubeconfigFile,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'proxy',
          cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true },
        },
      ],
      users: [{ name: 'proxy', user: {} }],
      contexts: [{ name: 'proxy', context: { cluster: 'proxy', user: 'proxy' } }],
      'current-context': 'proxy',
    }),
    { mode: 0o600 },
  );
  return {
    requests,
    url: `http://127.0.0.1:${port}`,
    kubeconfigFile,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

export interface RequestClasses {
  total: number;
  reads: number;
  watches: number;
  writes: number;
  leaseWrites: number;
  eventWrites: number;
  /** `<VERB> <resource>` (e.g. `PATCH deployments/*scale`) -> count. */
  byKind: Record<string, number>;
  /** `<VERB> <resource>` -> mean ms the API server took to answer (through the proxy). */
  meanMsByKind: Record<string, number>;
}

/** Classifies counted requests into reads, watches and writes (Lease and Event writes apart). */
export function classify(requests: CountedRequest[]): RequestClasses {
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
    const resource = r.path
      .replace(/\/namespaces\/[^/]+/, '')
      .replace(/^\/apis?\/(([^/]+\/)?v1)\//, '')
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
      if (r.path.includes('/leases')) out.leaseWrites += 1;
      if (r.path.includes('/events')) out.eventWrites += 1;
    }
  }
  for (const key of Object.keys(timed)) {
    out.meanMsByKind[key] = Math.round((totalMs[key] / timed[key]) * 10) / 10;
  }
  return out;
}
