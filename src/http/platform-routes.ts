/**
 * Routes the platform polls (kubelet probes, Prometheus scrapes): served without a session
 * and left out of the request log, which they would drown.
 */
export const PLATFORM_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics']);
