import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { KubeConfig } from '#kubernetes-client';
import { errorMessage } from '../../common/error-message.js';
import { KubernetesApiError } from '../kubernetes-api.error.js';
import { AgentPool, type AnyAgent } from './agent-pool.js';
import { KeepAliveKubeConfig } from './keep-alive-kube-config.js';

/** A patch without an answer for this long fails with status 0 (its caller retries). */
export const PATCH_TIMEOUT_MS = 30_000;

/**
 * JSON merge patches (`application/merge-patch+json`) sent with node:http(s) directly: the
 * writes on the scaling path (the api's spec patch, the operator's scale and status).
 *
 * Why not client-node's generated APIs for these: their request path (middleware chain,
 * ObjectSerializer, header normalisation, node-fetch streams) cost the operator about 0.5
 * ms of CPU per call, a fifth of its CPU while it reconciles 1,000 resources on a machine
 * whose cores the API server needs (docs/benchmarks.md, round 8). Everything that decides
 * where and as whom a request goes still comes from client-node: `applyToHTTPSOptions`
 * gives the server's CA, client certificates, the bearer token (token files and exec
 * plugins included), impersonation and proxy agents; Node agents are swapped for the
 * shared keep-alive ones (AgentPool). Reads, lists, watches, creates, Leases and Events
 * stay on client-node.
 */
export class MergePatchClient {
  private readonly agents: AgentPool;

  constructor(
    private readonly kubeConfig: KubeConfig,
    private readonly timeoutMs = PATCH_TIMEOUT_MS,
  ) {
    this.agents = kubeConfig instanceof KeepAliveKubeConfig ? kubeConfig.agents : new AgentPool();
  }

  /**
   * PATCHes `path` (below the cluster's server URL) with `body`; resolves to the object the
   * API server returns. Rejects with a KubernetesApiError: the API server's status code,
   * reason and message, or 0 when it could not be reached or did not answer in time.
   */
  async patch<T>(what: string, path: string, body: unknown): Promise<T> {
    const server = this.kubeConfig.getCurrentCluster()?.server;
    if (!server) throw new KubernetesApiError(0, `${what}: no current cluster in the kubeconfig`);
    const options: RequestOptions = {};
    try {
      await this.kubeConfig.applyToHTTPSOptions(options);
    } catch (error) {
      // A failing exec plugin, an unreadable token file, http:// without skipTLSVerify.
      throw new KubernetesApiError(0, `${what}: ${errorMessage(error)}`);
    }
    if (options.agent) options.agent = this.agents.shared(options.agent as AnyAgent);
    // The server URL may carry a path prefix (a proxying gateway): append, do not resolve.
    const url = new URL(server.replace(/\/+$/, '') + path);
    const payload = Buffer.from(JSON.stringify(body));
    const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise<T>((resolve, reject) => {
      const request = send(
        url,
        {
          ...options,
          method: 'PATCH',
          headers: {
            ...options.headers,
            Accept: 'application/json',
            'Content-Type': 'application/merge-patch+json',
            'Content-Length': payload.length,
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => reject(unreachable(what, error)));
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const text = Buffer.concat(chunks).toString('utf8');
            const parsed = parseJson(text);
            if (status >= 200 && status < 300 && parsed !== undefined) {
              resolve(parsed as T);
              return;
            }
            const failure = (parsed ?? {}) as { message?: unknown; reason?: unknown };
            const message =
              typeof failure.message === 'string'
                ? failure.message
                : status >= 200 && status < 300
                  ? `HTTP ${status} without a JSON object`
                  : text || `HTTP ${status}`;
            const reason = typeof failure.reason === 'string' ? failure.reason : undefined;
            reject(new KubernetesApiError(status, `${what}: ${message}`, reason));
          });
        },
      );
      request.setTimeout(this.timeoutMs, () =>
        request.destroy(new Error(`no answer within ${this.timeoutMs} ms`)),
      );
      request.on('error', (error) => reject(unreachable(what, error)));
      request.end(payload);
    });
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

function unreachable(what: string, error: Error): KubernetesApiError {
  return new KubernetesApiError(0, `${what}: Kubernetes API server unreachable (${error.message})`);
}
