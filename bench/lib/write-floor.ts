import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KiadaServiceCount } from '../../src/kubernetes/kiada-service-count.js';
import { serviceCountsPath } from '../../test/support/custom-resource.js';
import { pool } from './pool.js';
import { log, now } from './progress.js';
import { round } from './statistics.js';

export interface WriteFloor {
  resources: number;
  /** Two per resource: the Deployment's scale, then the resource's status. */
  writes: number;
  concurrency: number;
  seconds: number | null;
  writesPerSecond: number | null;
  /** Mean time of one write, ms. */
  meanWriteMs: number | null;
}

export interface WriteFloorOptions {
  /** The credentials and API server the writes go to (the bench's admin kubeconfig). */
  kubeConfig: KubeConfig;
  namespace: string;
  count: number;
  /** The replicas to write (a value the resources and Deployments do not hold yet). */
  replicas: number;
  concurrency: number;
}

/**
 * What the API server allows for the operator's cold-start writes on this machine at this
 * moment, without the operator: for each resource the two writes a cold reconcile makes (a
 * merge patch of the Deployment's scale subresource, then one of the KiadaServiceCount's
 * status with the status the operator wrote, replicas changed), `concurrency` resources at
 * once as the operator's workers run, from a bare node:https client (keep-alive, answers
 * read but not parsed) straight to the API server, as the operator now runs in the bench,
 * with the same watchers open. The cold start compared with this floor is the part that is
 * the operator's own; the floor itself follows the machine.
 */
export async function measureWriteFloor({
  kubeConfig,
  namespace,
  count,
  replicas,
  concurrency,
}: WriteFloorOptions): Promise<WriteFloor> {
  const target = await apiServerTarget(kubeConfig, concurrency);
  const { agent } = target;
  const serviceCounts = serviceCountsPath(namespace);
  try {
    const template = JSON.parse(
      await send(target, 'GET', `${serviceCounts}/ksc-0`),
    ) as KiadaServiceCount;
    const statusBody = JSON.stringify({
      status: { ...template.status, replicas, lastScaleTime: new Date().toISOString() },
    });
    const scaleBody = JSON.stringify({ spec: { replicas } });
    log(
      `operator: write floor: ${count * 2} writes (scale + status per resource, ` +
        `${concurrency} resources at once) from a bare client`,
    );
    let writeMs = 0;
    const timed = async (path: string, body: string) => {
      const t = now();
      await send(target, 'PATCH', path, body);
      writeMs += now() - t;
    };
    const startedAt = now();
    await pool(
      Array.from({ length: count }, (_, i) => i),
      concurrency,
      async (i) => {
        await timed(
          `/apis/apps/v1/namespaces/${namespace}/deployments/kiada-${i}/scale`,
          scaleBody,
        );
        await timed(`${serviceCounts}/ksc-${i}/status`, statusBody);
      },
    );
    const seconds = (now() - startedAt) / 1000;
    const writes = count * 2;
    return {
      resources: count,
      writes,
      concurrency,
      seconds: round(seconds, 2),
      writesPerSecond: round(writes / seconds, 1),
      meanWriteMs: round(writeMs / writes, 1),
    };
  } finally {
    agent.destroy();
  }
}

/** Where the floor's writes go: the API server, with the kubeconfig's credentials. */
interface ApiServerTarget {
  url: URL;
  agent: HttpAgent | HttpsAgent;
  /** Headers the credentials add (a bearer token), if any. */
  headers: Record<string, string>;
}

/** A keep-alive agent with the kubeconfig's TLS material (client-node fills the options). */
async function apiServerTarget(kubeConfig: KubeConfig, sockets: number): Promise<ApiServerTarget> {
  const cluster = kubeConfig.getCurrentCluster();
  if (!cluster) throw new Error('write floor: the kubeconfig has no current cluster');
  const url = new URL(cluster.server);
  const options: { ca?: unknown; cert?: unknown; key?: unknown; headers?: unknown } = {};
  await kubeConfig.applyToHTTPSOptions(options);
  const common = { keepAlive: true, maxSockets: sockets };
  const agent =
    url.protocol === 'https:'
      ? new HttpsAgent({
          ...common,
          ca: options.ca as string | undefined,
          cert: options.cert as string | undefined,
          key: options.key as string | undefined,
          rejectUnauthorized: !cluster.skipTLSVerify,
        })
      : new HttpAgent(common);
  return { url, agent, headers: (options.headers ?? {}) as Record<string, string> };
}

/** One request; resolves with the body of a 2xx answer, rejects naming the request otherwise. */
function send(
  { url, agent, headers: auth }: ApiServerTarget,
  method: 'GET' | 'PATCH',
  path: string,
  body?: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...auth, accept: 'application/json' };
    if (body !== undefined) {
      headers['content-type'] = 'application/merge-patch+json';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      { hostname: url.hostname, port: url.port, method, path, agent, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(text);
          else reject(new Error(`${method} ${path}: HTTP ${status} ${text.slice(0, 200)}`));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
