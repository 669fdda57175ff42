import { KubeConfig } from '#kubernetes-client';
import { AgentPool } from './agent-pool.js';

type RequestContext = Parameters<KubeConfig['applySecurityAuthentication']>[0];

/**
 * A KubeConfig whose API calls reuse connections. client-node 1.x gives every call a new
 * http(s).Agent (`KubeConfig.createAgent`), so no connection is ever reused: each call opens
 * a TCP connection and, to a real API server, makes a TLS handshake (CPU on both sides, and
 * round trips before the request is even sent: measured in the reaction benchmark's `CR
 * write` and `scale` stages, docs/benchmarks.md). This swaps each call's agent for one of
 * `agents` (see AgentPool), so calls share a pool of open connections; MergePatchClient
 * uses the same pool. Watches (`applyToFetchOptions`) keep their own agent: they hold their
 * connection anyway.
 */
export class KeepAliveKubeConfig extends KubeConfig {
  readonly agents = new AgentPool();

  override async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await super.applySecurityAuthentication(context);
    const fresh = context.getAgent();
    if (fresh) context.setAgent(this.agents.shared(fresh));
  }
}
