import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

export type AnyAgent = HttpAgent | HttpsAgent;

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
 * Keep-alive agents shared by every call made with the same agent options. client-node 1.x
 * makes a new http(s).Agent for every call (`KubeConfig.createAgent`), so no connection is
 * ever reused: `shared(fresh)` trades such an agent for the pooled keep-alive one with its
 * options (and destroys the fresh one). Proxy agents (a `proxy-url` in the kubeconfig) are
 * returned as they are.
 */
export class AgentPool {
  private readonly agents = new Map<string, AnyAgent>();

  shared(fresh: AnyAgent): AnyAgent {
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
