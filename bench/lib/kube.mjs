// Kubernetes helpers on @kubernetes/client-node: clients, the CRD, namespaces, watches, and
// a counting proxy that tells the operator's API requests apart from everyone else's.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import {
  ApiextensionsV1Api,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  VersionApi,
  Watch,
  loadYaml,
} from '@kubernetes/client-node';
import { sleep, waitFor } from './util.mjs';

export const CRD_PATH = 'helm/kiada-autoscaler/crds/kiadaservicecounts.hanyang.ac.kr.yaml';
export const GROUP = 'hanyang.ac.kr';
export const VERSION = 'v1';
export const PLURAL = 'kiadaservicecounts';

export function kubeConfig() {
  if (!process.env.KUBECONFIG) throw new Error('KUBECONFIG is not set: run through `npm run bench`');
  const kc = new KubeConfig();
  kc.loadFromFile(process.env.KUBECONFIG);
  return kc;
}

export function clients(kc = kubeConfig()) {
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
    extensions: kc.makeApiClient(ApiextensionsV1Api),
    version: kc.makeApiClient(VersionApi),
  };
}

export async function serverVersion() {
  const info = await clients().version.getCode();
  return info.gitVersion;
}

export async function applyCrd() {
  const { extensions } = clients();
  const crd = loadYaml(readFileSync(CRD_PATH, 'utf8'));
  const name = crd.metadata.name;
  try {
    const existing = await extensions.readCustomResourceDefinition({ name });
    crd.metadata.resourceVersion = existing.metadata.resourceVersion;
    await extensions.replaceCustomResourceDefinition({ name, body: crd });
  } catch (error) {
    if (error.code !== 404) throw error;
    await extensions.createCustomResourceDefinition({ body: crd });
  }
  await waitFor(`CRD ${name} Established`, async () => {
    const current = await extensions.readCustomResourceDefinition({ name });
    return current.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
  });
}

export async function createNamespace(name) {
  const { core } = clients();
  await core.createNamespace({ body: { metadata: { name, labels: { 'kiada-autoscaler/bench': 'true' } } } });
  await waitFor(`service account default in ${name}`, () =>
    core.readNamespacedServiceAccount({ name: 'default', namespace: name }).then(() => true),
  );
}

/** Deletes the namespace and waits (bounded) until it is gone. */
export async function deleteNamespace(name, { timeoutMs = 120_000 } = {}) {
  const { core } = clients();
  await core.deleteNamespace({ name }).catch((error) => {
    if (error.code !== 404) throw error;
  });
  await waitFor(`namespace ${name} deleted`, () =>
    core.readNamespace({ name }).then(() => false, (error) => error.code === 404),
    { timeoutMs, intervalMs: 1000 },
  ).catch(() => undefined);
}

export function deploymentBody(name, replicas) {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          // kwok's fake nodes: pods are scheduled there and made Ready without running anything.
          tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
          containers: [{ name: 'kiada', image: 'luksa/kiada:0.1', ports: [{ containerPort: 8080 }] }],
        },
      },
    },
  };
}

/**
 * Watches `path` (list + watch); calls onEvent(type, object, receivedAt) for every event
 * including the initial ADDED ones. Returns { stop() }. Restarts after errors until stopped.
 */
export function watch(kc, path, query, onEvent) {
  const w = new Watch(kc);
  let stopped = false;
  let controller;
  const start = async () => {
    while (!stopped) {
      let done;
      const ended = new Promise((resolve) => (done = resolve));
      try {
        controller = await w.watch(path, query, (type, object) => onEvent(type, object, performance.now()), () => done());
        await ended;
      } catch {
        // reconnect below
      }
      if (!stopped) await sleep(200);
    }
  };
  void start();
  return {
    stop: () => {
      stopped = true;
      controller?.abort();
    },
  };
}

/**
 * An HTTP server on 127.0.0.1 that forwards every request to the API server with the
 * admin credentials and counts them by verb and resource. The process under test gets a
 * kubeconfig pointing here, so its own requests are counted exactly.
 */
export async function startCountingProxy(kc, kubeconfigFile) {
  const cluster = kc.getCurrentCluster();
  const upstream = new URL(cluster.server);
  const options = {};
  await kc.applyToHTTPSOptions(options);
  const agent = new Agent({ keepAlive: true, ca: options.ca, cert: options.cert, key: options.key, rejectUnauthorized: !cluster.skipTLSVerify });
  const requests = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://proxy');
    const isWatch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    requests.push({ t: performance.now(), method: req.method, path: url.pathname, watch: isWatch });
    const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = { ...req.headers, host: upstream.host, ...(options.headers ?? {}) };
    const forward = send(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent: upstream.protocol === 'https:' ? agent : undefined },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    });
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  writeFileSync(
    kubeconfigFile,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'proxy', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'proxy', user: {} }],
      contexts: [{ name: 'proxy', context: { cluster: 'proxy', user: 'proxy' } }],
      'current-context': 'proxy',
    }),
    { mode: 0o600 },
  );
  return {
    requests,
    kubeconfigFile,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}

/** Classifies counted requests: { total, reads, watches, writes, leaseWrites, byKind }. */
export function classify(requests) {
  const out = { total: 0, reads: 0, watches: 0, writes: 0, leaseWrites: 0, eventWrites: 0, byKind: {} };
  for (const r of requests) {
    out.total += 1;
    const resource = r.path.replace(/\/namespaces\/[^/]+/, '').replace(/^\/apis?\/(([^/]+\/)?v1)\//, '').replace(/\/[^/]+(\/(status|scale))?$/, (m, sub) => (sub ? `/*${sub}` : '/*'));
    const verb = r.watch ? 'WATCH' : r.method;
    const key = `${verb} ${resource}`;
    out.byKind[key] = (out.byKind[key] ?? 0) + 1;
    if (r.watch) out.watches += 1;
    else if (r.method === 'GET') out.reads += 1;
    else {
      out.writes += 1;
      if (r.path.includes('/leases')) out.leaseWrites += 1;
      if (r.path.includes('/events')) out.eventWrites += 1;
    }
  }
  return out;
}
