import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '#kubernetes-client';
import { KubernetesApiError } from '../kubernetes-api.error.js';
import { KeepAliveKubeConfig } from './keep-alive-kube-config.js';
import { MergePatchClient } from './merge-patch-client.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  clientPort: number;
}

function kubeConfigFor(server: string, skipTLSVerify = true): KubeConfig {
  const kubeConfig = new KeepAliveKubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server, skipTLSVerify }],
    users: [{ name: 'u', token: 'secret-token', impersonateUser: 'operator' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kubeConfig;
}

/** A stand-in API server on a local port: records requests and answers from `answer`. */
describe(MergePatchClient.name, () => {
  let server: Server;
  let base: string;
  let seen: Seen[];
  let answer: (response: ServerResponse) => void;

  beforeAll(async () => {
    server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        seen.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body: raw ? JSON.parse(raw) : undefined,
          clientPort: request.socket.remotePort ?? 0,
        });
        answer(response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  beforeEach(() => {
    seen = [];
    answer = (response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ metadata: { name: 'r', resourceVersion: '7' } }));
    };
  });

  it('sends a JSON merge patch as the kubeconfig user, below the server URL, and returns the answer', async () => {
    const client = new MergePatchClient(kubeConfigFor(`${base}/gateway/`));
    await expect(
      client.patch('patch r', '/apis/g/v1/namespaces/ns/things/r', { spec: { n: 3 } }),
    ).resolves.toEqual({ metadata: { name: 'r', resourceVersion: '7' } });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'PATCH',
      url: '/gateway/apis/g/v1/namespaces/ns/things/r',
      body: { spec: { n: 3 } },
    });
    expect(seen[0].headers).toMatchObject({
      authorization: 'Bearer secret-token',
      'impersonate-user': 'operator',
      'content-type': 'application/merge-patch+json',
      accept: 'application/json',
    });
  });

  it('reuses one kept-alive connection for successive patches', async () => {
    const client = new MergePatchClient(kubeConfigFor(base));
    for (let i = 0; i < 3; i++) await client.patch('patch r', '/r', { i });
    expect(new Set(seen.map((request) => request.clientPort)).size).toBe(1);
  });

  it("rejects with the API server's status code, reason and message", async () => {
    answer = (response) => {
      response.writeHead(409, { 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({
          kind: 'Status',
          code: 409,
          reason: 'Conflict',
          message: 'the object has been modified',
        }),
      );
    };
    const client = new MergePatchClient(kubeConfigFor(base));
    const error = await client.patch('patch r', '/r', {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KubernetesApiError);
    expect(error).toMatchObject({
      statusCode: 409,
      reason: 'Conflict',
      message: 'patch r: the object has been modified',
    });

    answer = (response) => {
      response.writeHead(503);
      response.end('upstream connect error');
    };
    await expect(client.patch('patch r', '/r', {})).rejects.toMatchObject({
      statusCode: 503,
      message: 'patch r: upstream connect error',
    });
  });

  it('rejects with status 0 when the API server cannot be reached or does not answer in time', async () => {
    const unreachable = new MergePatchClient(kubeConfigFor('http://127.0.0.1:1'));
    await expect(unreachable.patch('patch r', '/r', {})).rejects.toMatchObject({
      statusCode: 0,
      message: expect.stringContaining('patch r: Kubernetes API server unreachable') as string,
    });

    answer = () => undefined; // never answers
    const impatient = new MergePatchClient(kubeConfigFor(base), 50);
    await expect(impatient.patch('patch r', '/r', {})).rejects.toMatchObject({
      statusCode: 0,
      message: 'patch r: Kubernetes API server unreachable (no answer within 50 ms)',
    });
  });

  it('rejects with status 0 and the reason when the kubeconfig cannot be used', async () => {
    // client-node refuses plain http unless the cluster says skipTLSVerify.
    const refused = new MergePatchClient(kubeConfigFor(base, false));
    await expect(refused.patch('patch r', '/r', {})).rejects.toMatchObject({
      statusCode: 0,
      message: expect.stringContaining('HTTP protocol is not allowed') as string,
    });
    expect(seen).toHaveLength(0);
  });
});
