import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '#kubernetes-client';
import { ClientNodeKubernetes } from './client-node-kubernetes.js';
import { KubernetesApiError } from '../kubernetes-api.error.js';
import type { KiadaServiceCount } from '../kiada-service-count.js';
import type { WatchEventType } from '../kubernetes.types.js';

interface Seen {
  method: string;
  url: string;
  contentType?: string;
  body: unknown;
}

type Route = (request: Seen, response: ServerResponse) => void;

const json = (response: ServerResponse, status: number, body: unknown) => {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
};
const statusBody = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  code,
  reason,
  message,
});
const deployment = (replicas: number, readyReplicas: number) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: {
    name: 'kiada',
    namespace: 'default',
    resourceVersion: '42',
    generation: 3,
    creationTimestamp: '2025-01-01T00:00:00Z',
  },
  spec: { replicas },
  status: { readyReplicas, observedGeneration: 3 },
});

const kubeConfigFor = (server: string) => {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'test', server, skipTLSVerify: true }],
    users: [{ name: 'test' }],
    contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
    currentContext: 'test',
  });
  return kubeConfig;
};

/** A stand-in API server on a local port: records requests and answers from `route`. */
describe(ClientNodeKubernetes.name, () => {
  let server: Server;
  let seen: Seen[];
  let route: Route;
  let sut: ClientNodeKubernetes;

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response: ServerResponse) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        const entry: Seen = {
          method: request.method ?? '',
          url: request.url ?? '',
          contentType: request.headers['content-type'],
          body: raw ? JSON.parse(raw) : undefined,
        };
        seen.push(entry);
        route(entry, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    sut = new ClientNodeKubernetes(kubeConfigFor(`http://127.0.0.1:${port}`), {
      component: 'test-operator',
      instance: 'pod-0',
    });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen = [];
    route = (_request, response) => json(response, 404, statusBody(404, 'NotFound', 'not found'));
  });

  it('reads a Deployment and resolves null on 404', async () => {
    route = (_request, response) => json(response, 200, deployment(2, 1));
    await expect(sut.getDeployment('default', 'kiada')).resolves.toEqual({
      metadata: {
        name: 'kiada',
        namespace: 'default',
        resourceVersion: '42',
        generation: 3,
        creationTimestamp: '2025-01-01T00:00:00.000Z',
      },
      replicas: 2,
      readyReplicas: 1,
      observedGeneration: 3,
    });
    expect(seen[0]).toMatchObject({
      method: 'GET',
      url: '/apis/apps/v1/namespaces/default/deployments/kiada',
    });

    route = (_request, response) =>
      json(response, 404, statusBody(404, 'NotFound', 'deployments.apps "kiada" not found'));
    await expect(sut.getDeployment('default', 'kiada')).resolves.toBeNull();
    await expect(sut.getServiceCount('default', 'x')).resolves.toBeNull();
  });

  it('scales through the scale subresource with a JSON merge patch', async () => {
    route = (_request, response) =>
      json(response, 200, {
        kind: 'Scale',
        apiVersion: 'autoscaling/v1',
        metadata: { name: 'kiada', namespace: 'default', resourceVersion: '43' },
        spec: { replicas: 3 },
      });
    // The new resourceVersion comes back for the operator's read-after-write cache.
    await expect(sut.scaleDeployment('default', 'kiada', 3)).resolves.toEqual({
      replicas: 3,
      resourceVersion: '43',
    });
    expect(seen[0]).toEqual({
      method: 'PATCH',
      url: '/apis/apps/v1/namespaces/default/deployments/kiada/scale',
      contentType: 'application/merge-patch+json',
      body: { spec: { replicas: 3 } },
    });
  });

  it('patches spec and status of the custom resource with JSON merge patches', async () => {
    route = (request, response) =>
      json(response, 200, { metadata: { name: 'r' }, spec: {}, ...(request.body as object) });
    await sut.patchServiceCountSpec('default', 'r', { kiadaServiceCount: 4 });
    await sut.patchServiceCountStatus('default', 'r', { ready: true });
    expect(
      seen.map(({ method, url, contentType, body }) => [method, url, contentType, body]),
    ).toEqual([
      [
        'PATCH',
        '/apis/hanyang.ac.kr/v1/namespaces/default/kiadaservicecounts/r',
        'application/merge-patch+json',
        { spec: { kiadaServiceCount: 4 } },
      ],
      [
        'PATCH',
        '/apis/hanyang.ac.kr/v1/namespaces/default/kiadaservicecounts/r/status',
        'application/merge-patch+json',
        { status: { ready: true } },
      ],
    ]);
  });

  it('maps API errors to KubernetesApiError with the status code, reason and message', async () => {
    route = (_request, response) =>
      json(response, 409, statusBody(409, 'Conflict', 'the object has been modified'));
    const error = await sut
      .scaleDeployment('default', 'kiada', 1)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect(error).toMatchObject({ statusCode: 409, reason: 'Conflict' });
    expect((error as Error).message).toContain('the object has been modified');

    route = (_request, response) =>
      json(response, 500, statusBody(500, 'InternalError', 'etcd down'));
    await expect(sut.list('KiadaServiceCount', 'default')).rejects.toMatchObject({
      statusCode: 500,
    });
  });

  it('rejects with status 0 when the API server cannot be reached', async () => {
    const unreachable = new ClientNodeKubernetes(kubeConfigFor('http://127.0.0.1:1'));
    await expect(unreachable.getDeployment('default', 'kiada')).rejects.toMatchObject({
      statusCode: 0,
    });
    const unconfigured = new ClientNodeKubernetes(new KubeConfig());
    await expect(unconfigured.getLease('default', 'x')).rejects.toMatchObject({ statusCode: 0 });
  });

  it('lists with the resourceVersion to watch from', async () => {
    route = (_request, response) =>
      json(response, 200, {
        kind: 'DeploymentList',
        apiVersion: 'apps/v1',
        metadata: { resourceVersion: '77' },
        items: [deployment(1, 1)],
      });
    await expect(sut.list('Deployment', undefined)).resolves.toMatchObject({
      resourceVersion: '77',
      items: [{ replicas: 1 }],
    });
    expect(seen[0].url).toBe('/apis/apps/v1/deployments?limit=500');
  });

  it('lists in pages of 500, following continue tokens, from the first page snapshot', async () => {
    route = (request, response) => {
      const page = new URL(request.url, 'http://x').searchParams.get('continue');
      json(response, 200, {
        kind: 'DeploymentList',
        apiVersion: 'apps/v1',
        metadata: page ? { resourceVersion: '77' } : { resourceVersion: '77', continue: 'p2' },
        items: page ? [deployment(2, 2)] : [deployment(1, 1)],
      });
    };
    await expect(sut.list('Deployment', 'default')).resolves.toMatchObject({
      resourceVersion: '77',
      items: [{ replicas: 1 }, { replicas: 2 }],
    });
    expect(seen.map((request) => request.url)).toEqual([
      '/apis/apps/v1/namespaces/default/deployments?limit=500',
      '/apis/apps/v1/namespaces/default/deployments?continue=p2&limit=500',
    ]);
  });

  it('keeps KiadaServiceCounts without their managedFields, listed or returned by a write', async () => {
    const resource = {
      apiVersion: 'hanyang.ac.kr/v1',
      kind: 'KiadaServiceCount',
      metadata: {
        name: 'a',
        namespace: 'default',
        resourceVersion: '5',
        managedFields: [{ manager: 'kubectl', operation: 'Update', fieldsV1: {} }],
      },
      spec: { kiadaServiceCount: 2 },
    };
    const kept = {
      ...resource,
      metadata: { name: 'a', namespace: 'default', resourceVersion: '5' },
    };
    route = (_request, response) =>
      json(response, 200, {
        kind: 'KiadaServiceCountList',
        apiVersion: 'hanyang.ac.kr/v1',
        metadata: { resourceVersion: '9' },
        items: [resource],
      });
    const { items } = await sut.list('KiadaServiceCount', 'default');
    expect(items).toEqual([kept]);

    // What a write returns goes into the caches too (read-after-write).
    route = (_request, response) => json(response, 200, resource);
    await expect(sut.getServiceCount('default', 'a')).resolves.toEqual(kept);
    await expect(sut.createServiceCount(resource as KiadaServiceCount)).resolves.toEqual(kept);
    await expect(
      sut.patchServiceCountSpec('default', 'a', { kiadaServiceCount: 2 }),
    ).resolves.toEqual(kept);
    await expect(sut.annotateServiceCount('default', 'a', { x: 'y' })).resolves.toEqual(kept);
    await expect(sut.patchServiceCountStatus('default', 'a', { ready: true })).resolves.toEqual(
      kept,
    );
  });

  it('watches with bookmarks from a resourceVersion and ends with 410 on an Expired error event', async () => {
    route = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.write(`${JSON.stringify({ type: 'MODIFIED', object: deployment(3, 2) })}\n`);
      response.write(
        `${JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Deployment', apiVersion: 'apps/v1', metadata: { resourceVersion: '50' } } })}\n`,
      );
      response.write(
        `${JSON.stringify({ type: 'ERROR', object: statusBody(410, 'Expired', 'too old resource version: 1 (50)') })}\n`,
      );
    };
    const events: Array<[WatchEventType, number | undefined]> = [];
    const done = new Promise<unknown>((resolve) => {
      void sut.watch('Deployment', 'default', '41', {
        onEvent: (type, object) =>
          events.push([type, type === 'BOOKMARK' ? undefined : object.replicas]),
        onDone: resolve,
      });
    });
    const error = await done;
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect(error).toMatchObject({ statusCode: 410, reason: 'Expired' });
    expect(events).toEqual([
      ['MODIFIED', 3],
      ['BOOKMARK', undefined],
    ]);
    const url = new URL(seen[0].url, 'http://x');
    expect(url.pathname).toBe('/apis/apps/v1/namespaces/default/deployments');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      watch: 'true',
      resourceVersion: '41',
      allowWatchBookmarks: 'true',
    });
  });

  it('ends a watch with the status of a refused request', async () => {
    route = (_request, response) => json(response, 403, statusBody(403, 'Forbidden', 'forbidden'));
    const error = await new Promise<unknown>((resolve) => {
      void sut.watch('KiadaServiceCount', undefined, '', {
        onEvent: () => undefined,
        onDone: resolve,
      });
    });
    expect(error).toMatchObject({ statusCode: 403 });
    expect(new URL(seen[0].url, 'http://x').pathname).toBe(
      '/apis/hanyang.ac.kr/v1/kiadaservicecounts',
    );
  });

  it('writes Lease times with microsecond precision and passes the resourceVersion', async () => {
    route = (request, response) => json(response, 200, request.body);
    await expect(
      sut.replaceLease({
        metadata: { name: 'l', namespace: 'default', resourceVersion: '9' },
        holderIdentity: 'pod-0',
        leaseDurationSeconds: 15,
        acquireTime: '2025-01-01T00:00:00.000Z',
        renewTime: '2025-01-01T00:00:02.000Z',
        leaseTransitions: 1,
      }),
    ).resolves.toMatchObject({ holderIdentity: 'pod-0', renewTime: '2025-01-01T00:00:02.000000Z' });
    expect(seen[0]).toMatchObject({
      method: 'PUT',
      url: '/apis/coordination.k8s.io/v1/namespaces/default/leases/l',
      body: {
        metadata: { name: 'l', namespace: 'default', resourceVersion: '9' },
        spec: {
          holderIdentity: 'pod-0',
          renewTime: '2025-01-01T00:00:02.000000Z',
          acquireTime: '2025-01-01T00:00:00.000000Z',
        },
      },
    });
  });

  it('records a core/v1 Event about the resource', async () => {
    route = (request, response) => json(response, 201, request.body);
    await sut.recordEvent({
      namespace: 'default',
      involvedObject: {
        apiVersion: 'hanyang.ac.kr/v1',
        kind: 'KiadaServiceCount',
        name: 'r',
        namespace: 'default',
        uid: 'u1',
      },
      type: 'Normal',
      reason: 'Scaled',
      message: 'Scaled Deployment "kiada" from 1 to 3 replicas',
    });
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/api/v1/namespaces/default/events',
      body: {
        involvedObject: { kind: 'KiadaServiceCount', name: 'r', uid: 'u1' },
        type: 'Normal',
        reason: 'Scaled',
        source: { component: 'test-operator' },
        reportingComponent: 'test-operator',
        reportingInstance: 'pod-0',
      },
    });
  });
});
