import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { KubeConfig } from '#kubernetes-client';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];
type AnyAgent = HttpAgent | HttpsAgent;

/** The TLS and socket options an agent was made with (Node keeps them on `agent.options`). */
function optionsOf(agent: AnyAgent): Record<string, unknown> {
  return { ...((agent as unknown as { options?: Record<string, unknown> }).options ?? {}) };
}

/**
 * A digest of the agent's kind and options, so that agents made with the same TLS material
 * share one pool. Buffers (CA, client certificate and key) are hashed as bytes: through
 * JSON.stringify each byte became a number in a string, which cost about 0.14 ms per API
 * call (measured against 2,000 calls).
 */
function optionsKey(kind: string, options: Record<string, unknown>): string {
  const hash = createHash('sha256').update(kind);
  const add = (value: unknown): void => {
    if (Buffer.isBuffer(value) || typeof value === 'string') hash.update(value);
    else if (Array.isArray(value)) value.forEach(add);
    else hash.update(JSON.stringify(value) ?? typeof value);
    hash.update('\0');
  };
  for (const name of Object.keys(options).sort()) {
    hash.update(name).update('=');
    add(options[name]);
  }
  return hash.digest('hex');
}

/**
 * A KubeConfig whose API calls reuse connections. client-node 1.x gives every call a new
 * http(s).Agent (`KubeConfig.createAgent`), so no connection is ever reused: each call opens
 * a TCP connection and, to a real API server, makes a TLS handshake (CPU on both sides, and
 * round trips before the request is even sent: measured in the reaction benchmark's `CR
 * write` and `scale` stages, docs/benchmarks.md). This keeps one keep-alive agent per set of
 * agent options (CA, client certificate, ...), so calls share a pool of open connections.
 * Proxy agents (a `proxy-url` in the kubeconfig) are left as client-node makes them. Watches
 * (`applyToFetchOptions`) keep their own agent: they hold their connection anyway.
 */
export class KeepAliveKubeConfig extends KubeConfig {
  private readonly agents = new Map<string, AnyAgent>();

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    if (fresh) context.setAgent(this.shared(fresh));
  }

  private shared(fresh: AnyAgent): AnyAgent {
    // Exactly Node's own agents: a proxy agent is a subclass and keeps its own behaviour.
    const kind =
      fresh.constructor === HttpsAgent ? 'https' : fresh.constructor === HttpAgent ? 'http' : null;
    if (!kind) return fresh;
    const options = optionsOf(fresh);
    const key = optionsKey(kind, options);
    let agent = this.agents.get(key);
    if (!agent) {
      const keepAlive = { ...options, keepAlive: true };
      agent = kind === 'https' ? new HttpsAgent(keepAlive) : new HttpAgent(keepAlive);
      this.agents.set(key, agent);
    }
    fresh.destroy();
    return agent;
  }
}
