import { TEST_SESSION_SECRET } from './nest-app.js';
import { API_SERVICE_ACCOUNT } from './rbac.js';
import { serviceAccountKubeconfig } from './service-account.js';

/**
 * The environment of the api as a user runs it out of cluster: the chart's api
 * ServiceAccount in `namespace` (install the chart's RBAC there first), writing its
 * KiadaServiceCount there, on `databaseUrl`, with throttling and the lock-out after failed
 * logins off, so tests may log in often (and a fuzzer's wrong passwords lock no one out).
 */
export async function apiEnv(
  namespace: string,
  databaseUrl: string,
  extraEnv: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    KUBECONFIG: await serviceAccountKubeconfig(namespace, API_SERVICE_ACCOUNT),
    DATABASE_URL: databaseUrl,
    SESSION_SECRET: TEST_SESSION_SECRET,
    AUTH_THROTTLE_LIMIT: '0',
    AUTH_LOCKOUT_THRESHOLD: '0',
    SCALING_NAMESPACE: namespace,
    ...extraEnv,
  };
}
